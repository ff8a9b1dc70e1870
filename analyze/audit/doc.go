// Package audit reads kube-apiserver audit logs (audit.k8s.io/v1 and
// v1beta1 Event objects, one JSON object per line) and indexes the changes
// they record by object, so a rule can say who deleted or changed an object,
// when, from where and with which verb.
//
// Reading is bounded (see Limits): an over-long line or one that is not an
// audit event is skipped and counted, a rotated log is read file by file (in
// any order; events are sorted by time), and gzip-compressed rotations are
// read as they are. Nothing here panics on hostile input.
package audit
