package collect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// A small scanner for the targeted edits the collector makes to objects it
// streams (dropping managedFields, an annotation, node images): it finds the
// members of a JSON object without decoding the values, so an edit costs one
// pass over the bytes and keeps everything else byte for byte.

// member is one "key": value pair of a JSON object.
type member struct {
	key        string // unescaped
	start, end int    // b[start:end] is `"key":value`
	valStart   int    // b[valStart:end] is the value
}

var errSyntax = errors.New("invalid JSON")

// objectMembers returns the members of the JSON object in b (leading and
// trailing whitespace allowed).
func objectMembers(b []byte) ([]member, error) {
	var ms []member
	err := eachMember(b, func(key []byte, start, valStart, end int) error {
		k := string(key)
		// Escapes and invalid UTF-8 are decoded as encoding/json does
		// (invalid bytes become U+FFFD).
		if bytes.IndexByte(key, '\\') >= 0 || !utf8.Valid(key) {
			if err := json.Unmarshal(b[start:start+len(key)+2], &k); err != nil {
				return fmt.Errorf("%w: key at %d", errSyntax, start)
			}
		}
		ms = append(ms, member{key: k, start: start, end: end, valStart: valStart})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ms, nil
}

// eachMember calls fn with each member of the JSON object in b: its key as
// written (still escaped), where the member starts, and its value
// b[valStart:end]. It allocates nothing itself.
func eachMember(b []byte, fn func(key []byte, start, valStart, end int) error) error {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return fmt.Errorf("%w: object expected", errSyntax)
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return fmt.Errorf("%w: key expected at %d", errSyntax, i)
		}
		start := i
		kend, err := skipString(b, i)
		if err != nil {
			return err
		}
		i = skipWS(b, kend)
		if i >= len(b) || b[i] != ':' {
			return fmt.Errorf("%w: ':' expected at %d", errSyntax, i)
		}
		vs := skipWS(b, i+1)
		ve, err := skipValue(b, vs)
		if err != nil {
			return err
		}
		if err := fn(b[start+1:kend-1], start, vs, ve); err != nil {
			return err
		}
		i = skipWS(b, ve)
		if i >= len(b) {
			return fmt.Errorf("%w: unterminated object", errSyntax)
		}
		if b[i] == '}' {
			return nil
		}
		if b[i] != ',' {
			return fmt.Errorf("%w: ',' expected at %d", errSyntax, i)
		}
		i = skipWS(b, i+1)
	}
}

// arrayElements calls fn with each element of the JSON array in b.
func arrayElements(b []byte, fn func(elem []byte) error) error {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '[' {
		return fmt.Errorf("%w: array expected", errSyntax)
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == ']' {
		return nil
	}
	for {
		e, err := skipValue(b, i)
		if err != nil {
			return err
		}
		if err := fn(b[i:e]); err != nil {
			return err
		}
		i = skipWS(b, e)
		if i >= len(b) {
			return fmt.Errorf("%w: unterminated array", errSyntax)
		}
		if b[i] == ']' {
			return nil
		}
		if b[i] != ',' {
			return fmt.Errorf("%w: ',' expected at %d", errSyntax, i)
		}
		i = skipWS(b, i+1)
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"'.
func skipString(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("%w: unterminated string at %d", errSyntax, i)
}

// skipValue returns the index after the JSON value starting at b[i].
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, fmt.Errorf("%w: value expected", errSyntax)
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, fmt.Errorf("%w: unterminated value at %d", errSyntax, i)
	default:
		j := i
		for j < len(b) && !isDelim(b[j]) {
			j++
		}
		if j == i {
			return 0, fmt.Errorf("%w: value expected at %d", errSyntax, i)
		}
		return j, nil
	}
}

func isDelim(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\n', '\t', '\r':
		return true
	}
	return false
}

// find returns the member with key k, or nil.
func find(ms []member, k string) *member {
	for i := range ms {
		if ms[i].key == k {
			return &ms[i]
		}
	}
	return nil
}

// rebuild writes the object b with members ms, where replace maps a member
// index to its new value (nil value: drop the member).
func rebuild(b []byte, ms []member, replace map[int][]byte) []byte {
	out := make([]byte, 0, len(b))
	out = append(out, '{')
	first := true
	for i, m := range ms {
		v, ok := replace[i]
		if ok && v == nil {
			continue
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		if ok {
			out = append(out, b[m.start:m.valStart]...)
			out = append(out, v...)
		} else {
			out = append(out, b[m.start:m.end]...)
		}
	}
	return append(out, '}')
}
