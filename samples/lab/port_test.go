package lab

import (
	"net"
	"strconv"
	"testing"
)

// TestFreePort: the ports handed to components lie below the kernel's
// ephemeral range (outgoing connections never take them as source ports),
// are free, and are never handed out twice.
func TestFreePort(t *testing.T) {
	lo, hi := listenRange()
	seen := map[int]bool{}
	for range 50 {
		p, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		if p < lo || p > hi || seen[p] {
			t.Fatalf("port %d: outside %d-%d or handed out twice", p, lo, hi)
		}
		seen[p] = true
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			t.Fatalf("port %d not free: %v", p, err)
		}
		l.Close()
	}
}
