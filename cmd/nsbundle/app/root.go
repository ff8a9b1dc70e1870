package app

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Version is the release version, stamped with -ldflags -X at build time.
var Version = "dev"

// displayName turns the binary name into the name users type:
// "kubectl-nsbundle" is run as "kubectl nsbundle".
func displayName(bin string) string {
	bin = strings.TrimSuffix(bin, ".exe")
	if rest, ok := strings.CutPrefix(bin, "kubectl-"); ok {
		return "kubectl " + strings.ReplaceAll(rest, "_", "-")
	}
	if bin == "" {
		return "nsbundle"
	}
	return bin
}

// NewRootCommand builds the command tree. bin is the name the program was
// invoked as.
func NewRootCommand(streams Streams, bin string) *cobra.Command {
	name := displayName(bin)
	root := &cobra.Command{
		Use:   name,
		Short: "Find why a Kubernetes namespace (or controller) is stuck: collect a bundle, analyze it offline",
		Long: fmt.Sprintf(`%[1]s collects a read-only support bundle from a Kubernetes cluster and
analyzes it offline, printing the blocking chain from each symptom (a namespace stuck
Terminating, a crash-looping kube-controller-manager, a Pending PVC) link by link, with
evidence, to its root cause, with the fix and how to verify it.

Exit codes:
  0  success (analyze: no finding; collect: complete bundle)
  1  the command failed (collect: no bundle written; bootstrap-rbac --from: the bundle
     cannot tell what is missing)
  2  bad flags or arguments (bootstrap-rbac: unknown version or object; diff: the
     bundles are of different clusters, without --force)
  3  analyze found at least one blocking chain; diff: a chain persists, changed or is new;
     triage: at least one group
  4  a bundle cannot be read (unsafe, corrupt, not a bundle, or no cluster data in it;
     triage: none of them)
  5  collect wrote a partial bundle (some requests failed; see its manifest)`, name),
		Example: fmt.Sprintf(`  # At the customer's: one read-only command, one file to attach
  %[1]s collect

  # At the support desk, offline
  %[1]s analyze nsbundle-prod-20261123T063000Z.tgz
  %[1]s analyze bundle.tgz -o markdown   # ticket-ready
  %[1]s diff before.tgz after.tgz        # did the fix work?`, name),
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       versionString(),
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &usageError{err} })
	root.PersistentFlags().Bool("no-color", false, "never color the output (also: NO_COLOR environment variable)")
	root.AddCommand(
		newCollectCommand(streams, name),
		newAnalyzeCommand(streams, name),
		newDiffCommand(streams, name),
		newTriageCommand(streams, name),
		newInspectCommand(streams, name),
		newDiagnoseCommand(streams, name),
		newBootstrapRBACCommand(streams, name),
		newVersionCommand(streams),
	)
	return root
}

// versionString is the version with build information.
func versionString() string {
	v := Version
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		rev, dirty := "", ""
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "-dirty"
				}
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			v += " (" + rev + dirty + ")"
		}
		v += " " + info.GoVersion
	}
	return "nsbundle " + v
}

func newVersionCommand(streams Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and build information",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(streams.Out, versionString())
			return err
		},
	}
}
