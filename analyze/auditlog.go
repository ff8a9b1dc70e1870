package analyze

import (
	"errors"
	"fmt"
	"os"

	"github.com/nsbundle/nsbundle/analyze/audit"
	"github.com/nsbundle/nsbundle/analyze/load"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// AddAuditLog adds a standalone kube-apiserver audit file (JSON lines,
// plain or gzip) to the snapshot's audit index, beside what the bundle
// holds; the file is named by its path in evidence. A file cut at the
// byte limit is kept as read, with a note; a file that cannot be opened is
// an error.
func AddAuditLog(s *snapshot.Snapshot, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := load.ReadAudit(s, path, f); err != nil {
		if errors.Is(err, audit.ErrCut) {
			s.Notes = append(s.Notes, fmt.Sprintf("%v: the rest of the audit log was not read", err))
			return nil
		}
		return fmt.Errorf("reading audit log: %w", err)
	}
	return nil
}
