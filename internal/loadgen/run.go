package loadgen

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Plan says how to offer load.
type Plan struct {
	// Rate is the requests offered per second (open loop: a request
	// starts on schedule whether or not earlier ones have finished).
	// 0 runs closed-loop: Workers send back to back as fast as the server
	// answers (the peak).
	Rate     float64
	Duration time.Duration
	// Workers bounds the requests in flight (default 256 open-loop, 32
	// closed-loop).
	Workers int
	// Progress, if set, is called about once a second with the requests
	// done so far.
	Progress func(done, errors int)
}

// Request performs request number i and returns what kind of answer it
// got (e.g. the outcome, or an error).
type Request func(ctx context.Context, i int) (string, error)

// Report is what a run measured.
type Report struct {
	Offered  int           // requests started
	Done     int           // requests answered without error
	Errors   int           // requests that failed
	Elapsed  time.Duration // from the first start to the last answer
	Outcomes map[string]int
	// Latencies, from each request's scheduled start to its answer,
	// sorted.
	Latencies  []time.Duration
	FirstError error
}

// Throughput is the answered requests per second.
func (r *Report) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Done) / r.Elapsed.Seconds()
}

// Percentile returns the p-th percentile latency (0 < p ≤ 100).
func (r *Report) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.Latencies))*p/100+0.5) - 1
	return r.Latencies[min(max(i, 0), len(r.Latencies)-1)]
}

// String summarises the report.
func (r *Report) String() string {
	return fmt.Sprintf("%d requests in %.1fs: %.0f/s answered, %d errors; latency p50 %s, p90 %s, p99 %s, max %s; outcomes %v",
		r.Offered, r.Elapsed.Seconds(), r.Throughput(), r.Errors, ms(r.Percentile(50)), ms(r.Percentile(90)),
		ms(r.Percentile(99)), ms(r.Percentile(100)), r.Outcomes)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// Run offers load by plan and measures it.
func Run(ctx context.Context, p Plan, req Request) *Report {
	if p.Workers <= 0 {
		p.Workers = 256
		if p.Rate <= 0 {
			p.Workers = 32
		}
	}
	var (
		mu  sync.Mutex
		rep = &Report{Outcomes: map[string]int{}}
		wg  sync.WaitGroup
	)
	record := func(sched time.Time, outcome string, err error) {
		lat := time.Since(sched)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			rep.Errors++
			if rep.FirstError == nil {
				rep.FirstError = err
			}
			return
		}
		rep.Done++
		rep.Outcomes[outcome]++
		rep.Latencies = append(rep.Latencies, lat)
	}
	start := time.Now()
	end := start.Add(p.Duration)
	stop := make(chan struct{})
	go progress(p, rep, &mu, stop)
	if p.Rate > 0 {
		slots := make(chan struct{}, p.Workers)
		interval := time.Duration(float64(time.Second) / p.Rate)
		for i := 0; ; i++ {
			sched := start.Add(time.Duration(i) * interval)
			if !sched.Before(end) || ctx.Err() != nil {
				break
			}
			time.Sleep(time.Until(sched))
			slots <- struct{}{} // a full pool delays the start; latency still counts from sched
			rep.Offered++
			wg.Add(1)
			go func() {
				defer func() { <-slots; wg.Done() }()
				out, err := req(ctx, i)
				record(sched, out, err)
			}()
		}
	} else {
		var next int
		var nmu sync.Mutex
		for range p.Workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(end) && ctx.Err() == nil {
					nmu.Lock()
					i := next
					next++
					rep.Offered++
					nmu.Unlock()
					sched := time.Now()
					out, err := req(ctx, i)
					record(sched, out, err)
				}
			}()
		}
	}
	wg.Wait()
	close(stop)
	rep.Elapsed = time.Since(start)
	slices.Sort(rep.Latencies)
	return rep
}

// progress reports every second until stop closes.
func progress(p Plan, rep *Report, mu *sync.Mutex, stop chan struct{}) {
	if p.Progress == nil {
		return
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			mu.Lock()
			done, errs := rep.Done, rep.Errors
			mu.Unlock()
			p.Progress(done, errs)
		}
	}
}
