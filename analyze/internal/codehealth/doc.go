// Package codehealth holds tests that keep the module's code small enough
// to read: no function above a cyclomatic complexity of MaxComplexity and
// no file above MaxLines, except those listed (with their size today) to be
// split, which may only shrink.
package codehealth

// MaxComplexity is the highest cyclomatic complexity a function may have
// (counted as gocyclo does: 1, plus one per if, for, range, non-default
// case and select clause, && and ||).
const MaxComplexity = 20

// MaxLines is the most lines a non-test Go file may have.
const MaxLines = 400
