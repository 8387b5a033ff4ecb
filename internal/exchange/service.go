package exchange

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// Service is data sharing between departments: imports into the
// registries, policy-checked reads that are logged before they return,
// policy administration, the access log and its verification. It is safe
// for concurrent use, and several instances may share one database.
type Service struct {
	store    Store
	now      func() time.Time
	log      *slog.Logger
	datasets map[string]*Dataset
	order    []*Dataset
	appender *appender

	policyCache policyCache
}

// NewService returns a service on store with the built-in datasets
// ([Datasets]). now may be nil for time.Now; log may be nil for
// slog.Default.
func NewService(store Store, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	s := &Service{store: store, now: now, log: log, datasets: map[string]*Dataset{}, appender: newAppender(store)}
	for _, d := range Datasets() {
		s.datasets[d.Name] = d
		s.order = append(s.order, d)
	}
	return s
}

// Now returns the service's current time in UTC, to the microsecond (the
// precision both databases keep).
func (s *Service) Now() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Datasets returns the service's datasets in display order. The caller
// must not modify them.
func (s *Service) Datasets() []*Dataset { return s.order }

// Dataset returns the dataset named name, or an errs.NotFound error.
func (s *Service) Dataset(name string) (*Dataset, error) {
	if d, ok := s.datasets[name]; ok {
		return d, nil
	}
	return nil, errUnknownDataset(name)
}

func errUnknownDataset(name string) *errs.Error {
	return &errs.Error{Kind: errs.NotFound, Code: "exchange.dataset_unknown", Field: "dataset",
		Msg:   fmt.Sprintf("没有名为 %.40q 的数据集（可用：population、education、enterprise、hr_agency）", name),
		MsgEN: fmt.Sprintf("there is no dataset %.40q (available: population, education, enterprise, hr_agency)", name)}
}

// CountRecords returns how many records each dataset holds.
func (s *Service) CountRecords(ctx context.Context) (map[string]int, error) {
	n, err := s.store.CountRecords(ctx)
	if err != nil {
		return nil, fmt.Errorf("count records: %w", err)
	}
	return n, nil
}
