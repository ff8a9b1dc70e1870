package lab

import (
	"bytes"
	"context"
	"embed" // build-binaries.sh is embedded so Binaries works from any binary.
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
)

//go:embed build-binaries.sh
var buildScript []byte

// ccmSource is the lab's cloud-controller-manager (ccm/main.go and the
// version-specific ccm/route_*.go), built by build-binaries.sh in the
// Kubernetes module.
//
//go:embed ccm/*.go
var ccmSource embed.FS

// EnvCache names the environment variable that overrides the lab's cache
// directory (default $XDG_CACHE_HOME/nsbundle-lab or ~/.cache/nsbundle-lab).
const EnvCache = "NSBUNDLE_LAB_CACHE"

// EnvBinDir names the environment variable that points the lab at an existing
// directory holding etcd, kube-apiserver, kube-controller-manager, kubectl and
// nsbundle-lab-ccm; when set, nothing is built.
const EnvBinDir = "NSBUNDLE_LAB_BIN"

// EnvVersion names the environment variable choosing the Kubernetes version
// the lab builds and runs (kube-apiserver, kube-controller-manager, kubectl
// and the cloud-provider of nsbundle-lab-ccm); DefaultVersion when unset.
const EnvVersion = "K8S_VERSION"

// DefaultVersion is the Kubernetes version the lab runs unless EnvVersion
// says otherwise.
const DefaultVersion = "v1.37.2"

var versionRE = regexp.MustCompile(`^v1\.[0-9]+\.[0-9]+$`)

// Version returns the Kubernetes version the lab builds: $K8S_VERSION, or
// DefaultVersion. It fails on anything but a release (v1.MINOR.PATCH).
func Version() (string, error) {
	v := os.Getenv(EnvVersion)
	if v == "" {
		return DefaultVersion, nil
	}
	if !versionRE.MatchString(v) {
		return "", fmt.Errorf("lab: %s=%q is not a Kubernetes release like %s", EnvVersion, v, DefaultVersion)
	}
	return v, nil
}

// binaryNames are the programs the lab needs in its binary directory.
var binaryNames = []string{"etcd", "kube-apiserver", "kube-controller-manager", "kubectl", "nsbundle-lab-ccm"}

// Binaries returns the directory holding the lab's control-plane binaries
// of Version(), building them with build-binaries.sh on first use (minutes;
// cached under NSBUNDLE_LAB_CACHE). Concurrent callers share one build
// through a file lock.
func Binaries(ctx context.Context) (string, error) {
	if dir := os.Getenv(EnvBinDir); dir != "" {
		return dir, checkBinaries(dir)
	}
	version, err := Version()
	if err != nil {
		return "", err
	}
	cache, err := cacheDir()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", fmt.Errorf("lab cache: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(cache, "build.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", fmt.Errorf("lab cache lock: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("lab cache lock: %w", err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck // closing releases it too

	script := filepath.Join(cache, "build-binaries.sh")
	if err := os.WriteFile(script, buildScript, 0o755); err != nil {
		return "", fmt.Errorf("lab build script: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(cache, "ccm"), 0o755); err != nil {
		return "", fmt.Errorf("lab ccm source: %w", err)
	}
	if err := writeCCMSource(filepath.Join(cache, "ccm")); err != nil { // beside the script
		return "", err
	}
	cmd := exec.CommandContext(ctx, "bash", script)
	cmd.Env = append(os.Environ(), EnvCache+"="+cache, EnvVersion+"="+version)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building lab binaries (%s): %w", script, err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	dir := strings.TrimSpace(lines[len(lines)-1])
	return dir, checkBinaries(dir)
}

// writeCCMSource writes the embedded ccm/*.go into dir.
func writeCCMSource(dir string) error {
	files, err := ccmSource.ReadDir("ccm")
	if err != nil {
		return fmt.Errorf("lab ccm source: %w", err)
	}
	for _, f := range files {
		b, err := ccmSource.ReadFile("ccm/" + f.Name())
		if err != nil {
			return fmt.Errorf("lab ccm source: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.Name()), b, 0o644); err != nil {
			return fmt.Errorf("lab ccm source: %w", err)
		}
	}
	return nil
}

func cacheDir() (string, error) {
	if c := os.Getenv(EnvCache); c != "" {
		return filepath.Abs(c)
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("lab cache: %w", err)
	}
	return filepath.Join(base, "nsbundle-lab"), nil
}

func checkBinaries(dir string) error {
	for _, b := range binaryNames {
		fi, err := os.Stat(filepath.Join(dir, b))
		if err != nil {
			return fmt.Errorf("lab binaries: %w", err)
		}
		if fi.Mode()&0o111 == 0 {
			return fmt.Errorf("lab binaries: %s is not executable", filepath.Join(dir, b))
		}
	}
	return nil
}
