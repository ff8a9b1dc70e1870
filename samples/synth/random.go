package synth

import (
	"encoding/hex"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"time"
)

// Streams separate the random choices of independent parts, so a part can be
// rendered on its own (in parallel) and still come out the same.
const (
	streamModel uint64 = iota + 1
	streamNode
	streamPod
	streamDeploy
	streamService
	streamEvent
	streamNamespace
	streamMisc
)

// rng returns the random source of item i of a stream.
func (m *model) rng(stream uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(m.seed^(stream*0x9e3779b97f4a7c15), uint64(i)*0xbf58476d1ce4e5b9+stream))
}

// hexString returns n random lowercase hex digits.
func hexString(r *rand.Rand, n int) string {
	b := make([]byte, (n+1)/2)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return hex.EncodeToString(b)[:n]
}

// uid returns a random RFC 4122 version 4 UUID string.
func uid(r *rand.Rand) string {
	var b [16]byte
	hi, lo := r.Uint64(), r.Uint64()
	for i := range 8 {
		b[i] = byte(hi >> (8 * i))
		b[8+i] = byte(lo >> (8 * i))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// suffixChars are the characters of generated name suffixes (as
// k8s.io/apimachinery's rand.String: no vowels, no confusable digits).
const suffixChars = "bcdfghjklmnpqrstvwxz2456789"

// suffix returns a random n-character name suffix.
func suffix(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = suffixChars[r.IntN(len(suffixChars))]
	}
	return string(b)
}

// ipv4 formats a 32-bit address.
func ipv4(a uint32) string {
	return strconv.Itoa(int(a>>24)) + "." + strconv.Itoa(int(a>>16&0xff)) + "." + strconv.Itoa(int(a>>8&0xff)) + "." + strconv.Itoa(int(a&0xff))
}

// ago returns now minus d, truncated to the second as the API server stores
// timestamps.
func (m *model) ago(d time.Duration) time.Time { return m.now.Add(-d).Truncate(time.Second) }

// words make names that look like real workloads.
var (
	wordsA = []string{"alpha", "blue", "cobalt", "delta", "ember", "falcon", "granite", "harbor", "indigo", "juniper",
		"kestrel", "lumen", "maple", "nimbus", "onyx", "pioneer", "quartz", "raven", "summit", "tundra", "umber",
		"vertex", "willow", "xenon", "yukon", "zephyr"}
	wordsB = []string{"api", "billing", "cart", "catalog", "checkout", "search", "orders", "payments", "auth", "gateway",
		"inventory", "ledger", "mailer", "media", "notify", "profile", "quotes", "ranking", "reports", "session",
		"shipping", "storage", "tracker", "users", "worker", "web"}
	images = []struct{ repo, tag string }{
		{"registry.example.com/platform/api-server", "v2.14.3"}, {"registry.example.com/platform/worker", "v1.9.0"},
		{"docker.io/library/nginx", "1.27.3"}, {"docker.io/library/redis", "7.4.2"},
		{"ghcr.io/example/web-frontend", "2026.11.2"}, {"quay.io/example/batch-runner", "v0.31.4"},
		{"registry.example.com/data/ingest", "v5.2.1"}, {"registry.example.com/data/query", "v5.2.1"},
	}
	sidecars = []struct{ name, repo, tag string }{
		{"envoy", "docker.io/envoyproxy/envoy", "v1.32.1"},
		{"log-shipper", "docker.io/fluent/fluent-bit", "3.2.4"},
		{"otel-agent", "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector", "0.115.1"},
	}
)

// imageDigest is a stable digest of an image reference.
func imageDigest(seed uint64, ref string) string {
	h := fnv.New64a()
	h.Write([]byte(ref))
	r := rand.New(rand.NewPCG(seed, h.Sum64()))
	return "sha256:" + hexString(r, 64)
}
