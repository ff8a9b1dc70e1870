package app

import (
	"os"

	"golang.org/x/term"
)

// terminal returns the file behind a stream when it is a terminal, or nil.
func terminal(stream any) *os.File {
	if f, ok := stream.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return f
	}
	return nil
}
