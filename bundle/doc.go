// Package bundle owns the nsbundle archive format, both ways.
//
// A bundle is one tar archive, gzip (.tgz, the default) or zstd (.tar.zst)
// compressed, with every entry under one top folder and manifest.json as the
// first entry. Kubernetes lists are written as `kubectl get -o json` prints
// a List, with one item per line inside "items", so a reader can split the
// items without parsing and decode them in parallel.
//
// Writer builds a bundle atomically and streams large lists through the
// compressor, so memory stays flat whatever the cluster size. Walk and
// ReadManifest read bundles from strangers: they refuse unsafe names,
// devices, duplicates, oversized or bomb-like archives with a *Error, pass
// symbolic and hard links on as content-less entries without following
// them, and never write to disk. Limits and the Default* constants
// document the caps.
package bundle
