// Package snapshot holds the lean, indexed view of a bundle that rules read:
// only the fields the rules need, each object remembering where in the bundle
// it came from so findings can quote their evidence.
//
// The package is the model only: package analyze/load reads a bundle's
// files into a Snapshot. A program (or a test) can also fill the exported
// lists itself, record what was collected with MarkCollected (or
// MarkRead, which also records the file a list was read from) and
// MarkFailed, and look objects up at once: lookups index the lists on
// first use.
package snapshot
