package lab

import (
	"context"
	"sync"
	"time"
)

// crashLoop restarts kube-controller-manager whenever it exits, with a
// kubelet-like doubling back-off (shortened for tests).
type crashLoop struct {
	cancel   context.CancelFunc
	done     chan struct{}
	mu       sync.Mutex
	restarts int
}

// StartControllerManagerCrashLoop starts kube-controller-manager and restarts
// it each time it exits, as a kubelet would for a static pod (back-off 2 s
// doubling to 10 s). It returns at once; StopControllerManager ends the loop.
func (c *Cluster) StartControllerManagerCrashLoop() {
	ctx, cancel := context.WithCancel(context.Background())
	l := &crashLoop{cancel: cancel, done: make(chan struct{})}
	c.mu.Lock()
	c.loop = l
	c.mu.Unlock()
	go func() {
		defer close(l.done)
		backoff := 2 * time.Second
		for first := true; ; first = false {
			p, err := c.startKCMProcess()
			if err == nil {
				c.mu.Lock()
				c.kcm = p
				c.mu.Unlock()
				if !first {
					l.mu.Lock()
					l.restarts++
					l.mu.Unlock()
				}
				select {
				case <-p.done:
				case <-ctx.Done():
					p.stop(10 * time.Second)
					return
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			if backoff *= 2; backoff > 10*time.Second {
				backoff = 10 * time.Second
			}
		}
	}()
}

// ControllerManagerRestarts returns how often the crash loop restarted
// kube-controller-manager.
func (c *Cluster) ControllerManagerRestarts() int {
	c.mu.Lock()
	l := c.loop
	c.mu.Unlock()
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.restarts
}

func (l *crashLoop) stop() {
	l.cancel()
	<-l.done
}
