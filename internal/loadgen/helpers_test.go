package loadgen_test

import "fmt"

func fmtSscan(s string, v *float64) (int, error) { return fmt.Sscan(s, v) }

type errStatus int

func (e errStatus) Error() string { return fmt.Sprintf("status %d", int(e)) }
