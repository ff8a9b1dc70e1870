package lab

import (
	"context"
	"errors"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var getOpts = metav1.GetOptions{}

// poll calls check every interval until it reports done, returns an error,
// or timeout passes; the error then quotes the last thing check saw.
func poll(ctx context.Context, timeout, interval time.Duration, check func() (done bool, saw string, err error)) error {
	deadline := time.Now().Add(timeout)
	saw := ""
	for {
		done, s, err := check()
		if err != nil {
			return err
		}
		if s != "" {
			saw = s
		}
		if done {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %v; last seen: %s", timeout, saw)
		}
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), fmt.Errorf("last seen: %s", saw))
		case <-time.After(interval):
		}
	}
}
