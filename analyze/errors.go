package analyze

import "github.com/nsbundle/nsbundle/analyze/load"

// NoClusterDataError is Analyze's error for an input that was read but of
// which nothing could be read as cluster data (no manifest, Kubernetes
// list, log or discovery result): a tar of /etc, a folder of text files, a
// layout the loader does not know. Match it with errors.As.
type NoClusterDataError = load.NoClusterDataError
