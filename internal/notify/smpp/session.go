package smpp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/linxGnu/gosmpp"
	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"
)

// errClosed is the error of requests on a session that has ended.
var errClosed = errors.New("smpp: the connection to the SMSC is closed")

// session is one bound connection to the SMSC. Requests are written under
// a lock and matched to their responses by sequence number by the reader
// goroutine, which also answers the SMSC's enquire_link, unbind and
// deliver_sm (handing receipts to onDeliver).
type session struct {
	conn      *gosmpp.Connection
	cfg       Config
	onDeliver func(*pdu.DeliverSM) data.CommandStatusType

	wmu sync.Mutex // serialises writes

	mu      sync.Mutex
	seq     int32
	pending map[int32]chan pdu.PDU
	err     error         // why the session ended
	done    chan struct{} // closed when the session ends
}

// dial connects to the SMSC and binds, within cfg.ConnectTimeout.
func dial(cfg Config, onDeliver func(*pdu.DeliverSM) data.CommandStatusType) (*session, error) {
	auth := gosmpp.Auth{SMSC: cfg.Addr, SystemID: cfg.SystemID, Password: cfg.Password, SystemType: cfg.SystemType}
	dialer := func(addr string) (net.Conn, error) {
		c, err := net.DialTimeout("tcp", addr, cfg.ConnectTimeout)
		if err != nil {
			return nil, err
		}
		// bound the bind exchange too; cleared once bound
		return c, c.SetDeadline(time.Now().Add(cfg.ConnectTimeout))
	}
	connector := gosmpp.TRXConnector(dialer, auth)
	if cfg.Transmitter {
		connector = gosmpp.TXConnector(dialer, auth)
	}
	conn, err := connector.Connect()
	if err != nil {
		return nil, fmt.Errorf("smpp: bind to %s as %s: %w", cfg.Addr, cfg.SystemID, err)
	}
	if err := conn.SetDeadline(time.Time{}); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("smpp: %w", err)
	}
	s := &session{conn: conn, cfg: cfg, onDeliver: onDeliver, pending: map[int32]chan pdu.PDU{}, done: make(chan struct{})}
	go s.read()
	go s.keepAlive()
	return s, nil
}

// alive reports whether the session has not ended.
func (s *session) alive() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// close ends the session with err (the first reason wins) and closes the
// connection; requests waiting for a response fail with err.
func (s *session) close(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return
	}
	s.err = err
	close(s.done)
	_ = s.conn.Close()
}

// reason returns why the session ended.
func (s *session) reason() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		return errClosed
	}
	return s.err
}

// request writes p with a fresh sequence number and waits for the PDU
// that answers it, until ctx ends or the session does.
func (s *session) request(ctx context.Context, p pdu.PDU) (pdu.PDU, error) {
	ch := make(chan pdu.PDU, 1)
	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		return nil, s.err
	}
	s.seq = s.seq%0x7FFFFFFF + 1
	seq := s.seq
	s.pending[seq] = ch
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.pending, seq)
		s.mu.Unlock()
	}()
	p.SetSequenceNumber(seq)
	if err := s.write(p); err != nil {
		return nil, err
	}
	select {
	case resp := <-ch:
		return resp, nil
	case <-s.done:
		return nil, s.reason()
	case <-ctx.Done():
		return nil, fmt.Errorf("smpp: no answer from the SMSC: %w", ctx.Err())
	}
}

// write sends p; a failed write ends the session.
func (s *session) write(p pdu.PDU) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.conn.SetWriteDeadline(time.Now().Add(s.cfg.SubmitTimeout)); err != nil {
		s.close(err)
		return err
	}
	if _, err := s.conn.WritePDU(p); err != nil {
		err = fmt.Errorf("smpp: write to the SMSC: %w", err)
		s.close(err)
		return err
	}
	return nil
}

// read handles what the SMSC sends until the connection fails.
func (s *session) read() {
	for {
		if err := s.conn.SetReadTimeout(3 * s.cfg.EnquireLink); err != nil {
			s.close(err)
			return
		}
		p, err := pdu.Parse(s.conn)
		if err != nil {
			s.close(fmt.Errorf("smpp: the connection to the SMSC was lost: %w", err))
			return
		}
		switch p := p.(type) {
		case *pdu.DeliverSM:
			resp := p.GetResponse().(*pdu.DeliverSMResp)
			if s.onDeliver != nil {
				resp.CommandStatus = s.onDeliver(p) // answered once handled
			}
			_ = s.write(resp)
		case *pdu.EnquireLink:
			_ = s.write(p.GetResponse())
		case *pdu.Unbind:
			_ = s.write(p.GetResponse())
			s.close(errors.New("smpp: the SMSC ended the session (unbind)"))
			return
		default:
			s.mu.Lock()
			ch := s.pending[p.GetSequenceNumber()]
			s.mu.Unlock()
			if ch != nil {
				select {
				case ch <- p:
				default: // a second answer to one request: ignored
				}
			} else if p.CanResponse() {
				_ = s.write(p.GetResponse())
			}
		}
	}
}

// keepAlive checks the link every EnquireLink while the session lasts.
func (s *session) keepAlive() {
	t := time.NewTicker(s.cfg.EnquireLink)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), s.cfg.SubmitTimeout)
			_, err := s.request(ctx, pdu.NewEnquireLink())
			cancel()
			if err != nil {
				s.close(fmt.Errorf("smpp: the SMSC does not answer enquire_link: %w", err))
				return
			}
		}
	}
}

// unbind ends the session politely.
func (s *session) unbind() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, _ = s.request(ctx, pdu.NewUnbind())
	s.close(errClosed)
}
