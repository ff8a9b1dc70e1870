package load

import (
	"io"

	"github.com/nsbundle/nsbundle/analyze/audit"
	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// audit adds a kube-apiserver audit log (logs/audit/<name>) to the
// snapshot's index; what it could not read becomes a note.
func (l *loader) audit(name string, r io.Reader) error {
	if err := ReadAudit(l.s, name, r); err != nil {
		l.note("%v (audit log partly read)", err)
	}
	return nil
}

// ReadAudit adds one audit file to s.Audit (creating it), as the loader
// does for logs/audit/ and the command for a file given with --audit-log.
// Skipped lines are counted in s.Audit.Files, not errors.
func ReadAudit(s *snapshot.Snapshot, name string, r io.Reader) error {
	if s.Audit == nil {
		s.Audit = audit.New(audit.DefaultLimits())
	}
	err := s.Audit.Read(name, r)
	s.MarkCollected(snapshot.ResAudit)
	return err
}
