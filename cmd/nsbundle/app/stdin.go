package app

import (
	"errors"
	"io"
)

// stdinArg is the BUNDLE argument that reads the bundle from standard
// input: `ssh bastion cat bundle.tgz | nsbundle analyze -`.
const stdinArg = "-"

// stdinName names standard input in reports and errors.
const stdinName = "standard input"

// stdinBundle returns standard input to read a bundle from, refusing a
// terminal (the command would wait for a bundle nobody types).
func stdinBundle(streams Streams) (io.Reader, error) {
	if terminal(streams.In) != nil {
		return nil, &ExitError{Code: ExitUsage, Err: errors.New("BUNDLE is - but standard input is a terminal: pipe or redirect a bundle into it")}
	}
	if streams.In == nil {
		return nil, &ExitError{Code: ExitUsage, Err: errors.New("BUNDLE is - but there is no standard input")}
	}
	return streams.In, nil
}
