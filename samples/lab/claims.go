package lab

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Every lab cluster of one process shares one network namespace, so the
// addresses and routes a scenario puts on lo (node and pod IPs) are claimed
// for the cluster's lifetime; another cluster that needs the same one waits.
// Scenarios claim in a fixed order (node IP, then pod IP), so none deadlock.
var netClaims = struct {
	sync.Mutex
	owner map[string]*Cluster
}{owner: map[string]*Cluster{}}

// claim takes key (an address or route) for c until c stops, waiting while
// another cluster holds it.
func (c *Cluster) claim(ctx context.Context, key string) error {
	logged := false
	for {
		netClaims.Lock()
		o := netClaims.owner[key]
		if o == nil {
			netClaims.owner[key] = c
		}
		netClaims.Unlock()
		switch {
		case o == nil:
			c.onStop(func() {
				netClaims.Lock()
				delete(netClaims.owner, key)
				netClaims.Unlock()
			})
			return nil
		case o == c:
			return nil
		}
		if !logged {
			c.opts.logf("lab: waiting for %s, in use by another lab cluster of this process", key)
			logged = true
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("lab: waiting for %s held by another lab cluster: %w", key, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}
