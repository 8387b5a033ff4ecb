// Package smpptest runs a small SMSC on the loopback interface for tests:
// it speaks SMPP 3.4 through gosmpp's PDU codec, accepts binds with one
// system id and password, answers submit_sm with message ids and
// enquire_link, records every accepted submit_sm as it arrived on the
// wire, and sends a deliver_sm delivery receipt for each accepted part. It
// can crash (drop every connection and stop listening), crash on the n-th
// next submit_sm before answering it, and start again on the same address.
package smpptest

import (
	"fmt"
	"net"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"
)

// Submit is one submit_sm the server accepted.
type Submit struct {
	MessageID          string // the id the server answered with
	Source, Dest       string
	SourceTON, DestTON byte
	EsmClass           byte
	DataCoding         byte
	RegisteredDelivery byte
	UDH                []byte // the raw user data header with its length octet; nil when none
	UserData           []byte // the short message after the header
	Text               string // UserData decoded from UCS-2 (or as bytes for other codings)
	Ref, Total, Seq    byte   // from the concatenation header; 0 when none
}

// Server is a test SMSC. Its methods are safe for concurrent use.
type Server struct {
	systemID, password string

	mu           sync.Mutex
	addr         string
	ln           net.Listener
	conns        map[net.Conn]struct{}
	submits      []Submit
	next         int
	crashOn      int // crash on the crashOn-th next submit; 0 never
	receiptState string
	refuse       data.CommandStatusType
	acked        int // deliver_sm_resp received
	binds        int
}

// Start starts a server on 127.0.0.1 accepting systemID and password,
// sending DELIVRD receipts; it is stopped when the test ends.
func Start(t testing.TB, systemID, password string) *Server {
	t.Helper()
	s := &Server{systemID: systemID, password: password, conns: map[net.Conn]struct{}{}, receiptState: "DELIVRD"}
	if err := s.listen("127.0.0.1:0"); err != nil {
		t.Fatalf("smpptest: %v", err)
	}
	t.Cleanup(s.Crash)
	return s
}

func (s *Server) listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	s.mu.Lock()
	s.ln, s.addr = ln, ln.Addr().String()
	s.mu.Unlock()
	go s.accept(ln)
	return nil
}

// Addr is the server's host:port.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Submits returns the accepted submit_sm, in order of arrival.
func (s *Server) Submits() []Submit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Submit(nil), s.submits...)
}

// Texts joins the accepted parts into messages, keyed by destination and
// concatenation reference, parts in sequence order; a part accepted twice
// appears twice.
func (s *Server) Texts() map[string]string {
	list := s.Submits()
	sort.SliceStable(list, func(i, j int) bool { return list[i].Seq < list[j].Seq })
	out := map[string]string{}
	for _, sub := range list {
		k := fmt.Sprintf("%s#%d", sub.Dest, sub.Ref)
		out[k] += sub.Text
	}
	return out
}

// Binds returns how many binds the server accepted.
func (s *Server) Binds() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.binds
}

// Acked returns how many receipts the client acknowledged.
func (s *Server) Acked() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acked
}

// SetReceipts sets the state the receipts report (e.g. UNDELIV); ""
// sends none.
func (s *Server) SetReceipts(state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.receiptState = state
}

// Refuse answers every later submit_sm with status (ESME_ROK accepts
// again).
func (s *Server) Refuse(status data.CommandStatusType) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = status
}

// CrashOnSubmit makes the server crash when the n-th next submit_sm
// arrives, before accepting or answering it.
func (s *Server) CrashOnSubmit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.crashOn = n
}

// Crash stops listening and drops every connection at once, like an SMSC
// that died.
func (s *Server) Crash() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.crashLocked()
}

func (s *Server) crashLocked() {
	if s.ln != nil {
		_ = s.ln.Close()
		s.ln = nil
	}
	for c := range s.conns {
		_ = c.Close()
	}
	clear(s.conns)
}

// Restart listens again on the address of the crashed server.
func (s *Server) Restart() error {
	s.mu.Lock()
	addr := s.addr
	s.mu.Unlock()
	var err error
	for range 50 { // the port may take a moment to be free again
		if err = s.listen(addr); err == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return err
}

func (s *Server) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.ln != ln { // crashed meanwhile
			s.mu.Unlock()
			_ = c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		go s.serve(c)
	}
}

// conn is one client connection.
type conn struct {
	net.Conn
	wmu sync.Mutex
}

func (c *conn) send(p pdu.PDU) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b := pdu.NewBuffer(nil)
	p.Marshal(b)
	_, err := c.Write(b.Bytes())
	return err
}

func (s *Server) serve(nc net.Conn) {
	c := &conn{Conn: nc}
	defer func() {
		_ = nc.Close()
		s.mu.Lock()
		delete(s.conns, nc)
		s.mu.Unlock()
	}()
	bound := false
	for {
		p, err := pdu.Parse(nc)
		if err != nil {
			return // closed by the client, or crashed
		}
		switch p := p.(type) {
		case *pdu.BindRequest:
			resp := pdu.NewBindResp(*p)
			resp.SystemID = "smpptest"
			if p.SystemID != s.systemID || p.Password != s.password {
				resp.CommandStatus = data.ESME_RINVPASWD
				_ = c.send(resp)
				return
			}
			bound = true
			s.mu.Lock()
			s.binds++
			s.mu.Unlock()
			_ = c.send(resp)
		case *pdu.SubmitSM:
			if !bound {
				r := p.GetResponse()
				r.(*pdu.SubmitSMResp).CommandStatus = data.ESME_RINVBNDSTS
				_ = c.send(r)
				continue
			}
			if !s.submit(c, p) {
				return
			}
		case *pdu.EnquireLink:
			_ = c.send(p.GetResponse())
		case *pdu.Unbind:
			_ = c.send(p.GetResponse())
			return
		case *pdu.DeliverSMResp:
			s.mu.Lock()
			if p.CommandStatus == data.ESME_ROK {
				s.acked++
			}
			s.mu.Unlock()
		}
	}
}

// submit handles one submit_sm; false means the server crashed.
func (s *Server) submit(c *conn, p *pdu.SubmitSM) bool {
	s.mu.Lock()
	if s.crashOn > 0 {
		s.crashOn--
		if s.crashOn == 0 {
			s.crashLocked()
			s.mu.Unlock()
			return false
		}
	}
	resp := p.GetResponse().(*pdu.SubmitSMResp)
	if s.refuse != data.ESME_ROK {
		resp.CommandStatus = s.refuse
		s.mu.Unlock()
		_ = c.send(resp)
		return true
	}
	s.next++
	sub := record(p, fmt.Sprintf("SM%06d", s.next))
	s.submits = append(s.submits, sub)
	state := s.receiptState
	resp.MessageID = sub.MessageID
	s.mu.Unlock()
	if err := c.send(resp); err != nil {
		return false
	}
	if state != "" && p.RegisteredDelivery&1 == 1 {
		_ = c.send(receipt(sub, state))
	}
	return true
}

// record describes an accepted submit_sm.
func record(p *pdu.SubmitSM, id string) Submit {
	sub := Submit{MessageID: id, Source: p.SourceAddr.Address(), Dest: p.DestAddr.Address(), SourceTON: p.SourceAddr.Ton(),
		DestTON: p.DestAddr.Ton(), EsmClass: p.EsmClass, RegisteredDelivery: p.RegisteredDelivery}
	if enc := p.Message.Encoding(); enc != nil {
		sub.DataCoding = enc.DataCoding()
	}
	sub.UserData, _ = p.Message.GetMessageData()
	if udh := p.Message.UDH(); len(udh) > 0 {
		sub.UDH, _ = udh.MarshalBinary()
		sub.Total, sub.Seq, sub.Ref, _ = udh.GetConcatInfo()
	}
	if sub.DataCoding == data.UCS2Coding {
		sub.Text, _ = data.UCS2.Decode(sub.UserData)
	} else {
		sub.Text = string(sub.UserData)
	}
	return sub
}

// receipt is the deliver_sm reporting state for sub.
func receipt(sub Submit, state string) *pdu.DeliverSM {
	d := pdu.NewDeliverSM().(*pdu.DeliverSM)
	d.EsmClass = data.SM_SMSC_DLV_RCPT_TYPE
	_ = d.SourceAddr.SetAddress(sub.Dest)
	_ = d.DestAddr.SetAddress(sub.Source)
	now := time.Now().In(time.FixedZone("CST", 8*60*60)).Format("0601021504")
	errCode := "000"
	if state != "DELIVRD" {
		errCode = "001"
	}
	text := fmt.Sprintf("id:%s sub:001 dlvrd:%03d submit date:%s done date:%s stat:%s err:%s text:", sub.MessageID,
		map[bool]int{true: 1}[state == "DELIVRD"], now, now, state, errCode)
	d.Message, _ = pdu.NewBinaryShortMessageWithEncoding([]byte(text), data.ASCII)
	return d
}
