// Package collect gathers, read-only, everything nsbundle's analyzer needs
// from a Kubernetes cluster and writes it into one bundle (see package
// bundle). Every request is recorded in the bundle's manifest; a forbidden or
// failing request is evidence, not a reason to stop.
//
// It sends only GET requests, plus one SelfSubjectReview (a create that
// persists nothing), as raw REST calls: client-go's discovery helpers stop
// or summarise on partial failure, and the collector needs every failure
// verbatim. What a bundle holds, under its top folder:
//
//	manifest.json                     first entry; every request, failures included
//	health/version.json, healthz.txt, readyz.txt, livez.txt (kept whatever the status),
//	health/selfsubjectreview.json
//	discovery/aggregated/api.json     GET /api and /apis as apidiscovery.k8s.io/v2
//	discovery/aggregated/apis.json
//	discovery/legacy/api.json         GET /api, /apis, and every group-version:
//	discovery/legacy/apis.json        discovery/legacy/api/v1.json,
//	discovery/legacy/apis/<group>/<version>.json
//	discovery/results.json            []bundle.DiscoveryResult, one per group-version
//	                                  and source, errors as client-go prints them
//	resources/<group|core>/<version>/<resource>.json
//	                                  one List per type, one item per line, items
//	                                  with apiVersion and kind; managedFields,
//	                                  last-applied annotations and node images
//	                                  dropped by default, so are core/v1 Endpoints
//	                                  when EndpointSlices were listed and events
//	                                  older than EventsWindow (each omission in
//	                                  the manifest); Secrets and ConfigMaps
//	                                  reduced to metadata and key names
//	terminating/<namespace>.json      bundle.NamespaceContent per Terminating
//	                                  namespace: every namespaced type with objects
//	                                  left (metadata-only lists), failing lists
//	                                  verbatim, and one entry with an empty resource
//	                                  per group-version whose discovery failed
//	logs/<ns>/<pod>/<container>[.previous].log
//	                                  control-plane pods in kube-system and pods
//	                                  behind APIService, webhook and CRD conversion
//	                                  Services; newest MaxLogBytes kept
//	logs/files/<NAME>.log             --log NAME=PATH files, newest MaxLogBytes
//	logs/audit/<file name>            --audit-log files (kube-apiserver audit
//	                                  JSON lines, gzip read), newest MaxAuditBytes;
//	                                  request and response bodies of Secrets,
//	                                  ConfigMaps, TokenReviews and ServiceAccount
//	                                  tokens dropped, non-JSON lines dropped
//
// A resource type's file exists only if its first page arrived; the
// manifest says why not (status, error verbatim).
package collect
