package bundle

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"syscall"
)

// walkDir walks an extracted bundle directory without following symbolic
// links: every file is opened through an os.Root, with O_NOFOLLOW, and a
// symbolic link is read with Readlink and passed on as a link entry.
func (w *walker) walkDir() error {
	w.kind = "directory"
	root, err := os.OpenRoot(w.path)
	if err != nil {
		return &Error{Path: w.path, Problem: "cannot open: " + errText(err), Err: err}
	}
	defer root.Close()
	base := "."
	ents, err := fs.ReadDir(root.FS(), ".")
	if err != nil {
		return &Error{Path: w.path, Problem: "cannot read: " + errText(err), Err: err}
	}
	if len(ents) == 1 && ents[0].IsDir() && !layoutDirs[ents[0].Name()] {
		base = ents[0].Name()
	}
	w.decided = true // the root is chosen; names are relative to it
	err = fs.WalkDir(root.FS(), base, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return &Error{Path: w.path, Entry: name, Problem: "cannot read: " + errText(err), Err: err}
		}
		rel := name
		if base != "." {
			rel = name[len(base):]
			if rel != "" {
				rel = rel[1:]
			}
		}
		if rel == "" || rel == "." {
			return nil
		}
		return w.dirEntry(root, name, rel, d)
	})
	if err != nil {
		return err
	}
	if w.nfiles == 0 {
		return &Error{Path: w.path, Problem: "empty directory (no files)"}
	}
	return nil
}

// dirEntry checks one directory entry and visits it if it is a file.
func (w *walker) dirEntry(root *os.Root, name, rel string, d fs.DirEntry) error {
	info, err := d.Info()
	if err != nil {
		return &Error{Path: w.path, Entry: name, Problem: "cannot read: " + errText(err), Err: err}
	}
	mode := info.Mode()
	size := int64(0)
	if mode.IsRegular() {
		size = info.Size()
	}
	if err := w.count(name, size); err != nil {
		return err
	}
	isLink := mode&fs.ModeSymlink != 0
	switch {
	case isLink:
	case mode&fs.ModeCharDevice != 0:
		return w.problem(name, "character device (devices are refused)")
	case mode&fs.ModeDevice != 0:
		return w.problem(name, "block device (devices are refused)")
	case mode&fs.ModeNamedPipe != 0:
		return w.problem(name, "FIFO (refused)")
	case mode&fs.ModeSocket != 0:
		return w.problem(name, "socket (refused)")
	case !mode.IsRegular() && !mode.IsDir():
		return w.problem(name, "unsupported file type %v", mode.Type())
	}
	if _, perr := w.checkName(name); perr != nil {
		return perr
	}
	if perr := w.index(name, rel, mode.IsDir()); perr != nil {
		return perr
	}
	if mode.IsDir() {
		return nil
	}
	if isLink {
		target, err := root.Readlink(name)
		if err != nil {
			return &Error{Path: w.path, Entry: name, Problem: "cannot read link: " + errText(err), Err: err}
		}
		rel = path.Clean(rel)
		return w.visit(w.linkEntry(name, rel, target, symlinkTarget(rel, target), info.ModTime()))
	}
	var f *os.File
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	return w.visit(&Entry{
		Name:    path.Clean(rel),
		Size:    size,
		ModTime: info.ModTime(),
		raw:     name,
		open: func() (io.Reader, error) {
			// O_NONBLOCK: a file swapped for a FIFO must not hang the open.
			ff, err := root.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
			if err != nil {
				return nil, err
			}
			f = ff
			st, err := f.Stat()
			if err != nil {
				return nil, err
			}
			if !st.Mode().IsRegular() {
				return nil, errors.New("changed into a non-regular file")
			}
			return io.LimitReader(f, size), nil
		},
	})
}
