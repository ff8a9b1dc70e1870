package audit

import (
	"bytes"
	"testing"
)

func FuzzRead(f *testing.F) {
	f.Add([]byte(delRole + "\n" + delSvc))
	f.Add([]byte(recvSvc + "\n" + delSvc + "\n" + oldRole[:50]))
	f.Add([]byte(gz(delRole + "\n")))
	f.Add([]byte("{\n[[[[\n" + string(bytes.Repeat([]byte("z"), 300))))
	f.Add([]byte(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"delete","objectRef":{"name":"x"},"requestReceivedTimestamp":"bad"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l := New(Limits{MaxLineBytes: 256, MaxTotalBytes: 4096, MaxEvents: 4})
		_ = l.Read("audit.log", bytes.NewReader(data))
		_ = l.Read("audit-1.log", bytes.NewReader(data))
		if l.Events() > 4 {
			t.Fatalf("%d events over MaxEvents", l.Events())
		}
		for _, f := range l.Files {
			if f.Events+f.Invalid+f.LongLines > f.Lines {
				t.Fatalf("counts over lines: %+v", f)
			}
		}
		from, to := l.Covered()
		if to.Before(from) {
			t.Fatalf("covered %v..%v", from, to)
		}
		_ = l.Changes(pvRole)
	})
}
