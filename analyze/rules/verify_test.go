package rules

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/nsbundle/nsbundle/analyze"
)

// runVerify runs a Verify command with bash, a fake kubectl that prints
// outputs[i] on its i-th call (and exits 1 on "NotFound"), and a sleep that
// returns at once. It returns the exit status.
func runVerify(t *testing.T, v analyze.Verify, outputs ...string) int {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	for i, out := range outputs {
		if err := os.WriteFile(filepath.Join(dir, "out"+itoa(i)), []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	kubectl := `#!/bin/sh
d=$(dirname "$0"); n=$(cat "$d/n" 2>/dev/null || echo 0); echo $((n+1)) > "$d/n"
out=$(cat "$d/out$n" 2>/dev/null)
[ "$out" = NotFound ] && { echo 'Error from server (NotFound)' >&2; exit 1; }
printf '%s' "$out"
`
	for name, body := range map[string]string{"kubectl": kubectl, "sleep": "#!/bin/sh\nexit 0\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("bash", "-c", v.Command)
	cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", v.Command, err)
	}
	_ = out
	return 0
}

// TestVerifyCommandsDecide: each Verify fails on the broken state and
// passes on the fixed one, by its exit status (kubectl faked).
func TestVerifyCommandsDecide(t *testing.T) {
	t.Parallel()
	lease := verifyLeaseStable("kube-system", "kube-controller-manager")
	kcmRBAC := kcmLeaseStable("kubectl get clusterrole system:kube-controller-manager -o name")
	eps := verifyReadyEndpoints("kube-system", "metrics-server")
	gone := verifyNotListed("10.244.1.5")
	whOrDeleted := verifyOrDeleted("validatingwebhookconfiguration", "", "policy.example.com", verifyReadyEndpoints("webhook-system", "policy-webhook"))
	tests := []struct {
		name    string
		v       analyze.Verify
		outputs []string
		want    int
	}{
		{"lease: one holder renewing", lease, []string{"cp_a 2026-11-23T05:10:00.000000Z", "cp_a 2026-11-23T05:12:00.000000Z"}, 0},
		{"lease: holder changed (crash loop)", lease, []string{"cp_a 2026-11-23T05:10:00.000000Z", "cp_b 2026-11-23T05:12:00.000000Z"}, 1},
		{"lease: not renewed (stopped, or alive but never leading)", lease, []string{"cp_a 2026-11-23T05:10:00.000000Z", "cp_a 2026-11-23T05:10:00.000000Z"}, 1},
		{"lease: none", lease, []string{"NotFound", "NotFound"}, 1},
		{"lease: taken over once after the fix, then held", lease, []string{"cp_a 1", "cp_b 2", "cp_b 2", "cp_b 3"}, 0},
		{"lease: never held over a window", lease, []string{"cp_a 1", "cp_b 2", "cp_b 2", "cp_c 3", "cp_c 3", "cp_d 4", "cp_d 4", "cp_e 5", "cp_e 5", "cp_f 6"}, 1},
		{"kcm RBAC: role back and lease held", kcmRBAC, []string{"clusterrole.rbac.authorization.k8s.io/system:kube-controller-manager", "cp_a 1", "cp_a 2"}, 0},
		{"kcm RBAC: role still deleted", kcmRBAC, []string{"NotFound", "cp_a 1", "cp_a 2"}, 1},
		{"kcm RBAC: role back, still crash-looping", kcmRBAC, []string{"clusterrole.rbac.authorization.k8s.io/system:kube-controller-manager", "cp_a 1", "cp_b 2"}, 1},
		{"endpoints: one ready", eps, []string{"10.244.1.5\n"}, 0},
		{"endpoints: none ready", eps, []string{""}, 1},
		{"stale endpoint: still listed", gone, []string{"10.244.0.3 10.244.1.5"}, 1},
		{"stale endpoint: gone", gone, []string{"10.244.0.3 10.244.1.50"}, 0},
		{"or deleted: object deleted (the Fix's other path)", whOrDeleted, []string{""}, 0},
		{"or deleted: object there, backend ready", whOrDeleted, []string{"validatingwebhookconfiguration.admissionregistration.k8s.io/policy.example.com", "10.244.1.5\n"}, 0},
		{"or deleted: object there, no backend (broken)", whOrDeleted, []string{"validatingwebhookconfiguration.admissionregistration.k8s.io/policy.example.com", ""}, 1},
		{"or deleted: cluster does not answer", whOrDeleted, []string{"NotFound", "10.244.1.5\n"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := runVerify(t, tt.v, tt.outputs...); got != tt.want {
				t.Errorf("exit %d, want %d; command %s", got, tt.want, tt.v.Command)
			}
		})
	}
}
