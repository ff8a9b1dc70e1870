package bundle

import (
	"errors"
	"os"
)

// tempFile is a temporary file of the Writer (the body and the spool files).
// Where the system allows it (Unix), its name is removed as soon as it is
// created: the data lives as long as the file is open, so not even a killed
// collector leaves it behind. Elsewhere the name is removed by drop.
type tempFile struct {
	*os.File
	named bool // the name is still in the directory
}

// createTemp creates a temporary file in dir (see os.CreateTemp). On Linux
// it never has a name (O_TMPFILE); elsewhere, or where the file system
// cannot, it is created named and its name removed at once.
func createTemp(dir, pattern string) (*tempFile, error) {
	if f := openUnnamed(dir); f != nil {
		return &tempFile{File: f}, nil
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	t := &tempFile{File: f, named: true}
	if os.Remove(f.Name()) == nil { // fails on Windows while the file is open
		t.named = false
	}
	return t, nil
}

// drop closes the file and removes its name if it still has one.
func (t *tempFile) drop() error {
	t.Close()
	if !t.named {
		return nil
	}
	t.named = false
	if err := os.Remove(t.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
