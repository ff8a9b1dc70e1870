package app

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nsbundle/nsbundle/analyze"
	"github.com/nsbundle/nsbundle/analyze/bootstrap"
	"github.com/nsbundle/nsbundle/analyze/restore"
	"github.com/nsbundle/nsbundle/bundle"
)

// bootstrapRBACOptions are the bootstrap-rbac command's settings.
type bootstrapRBACOptions struct {
	version   string
	from      string
	namespace string
	limits    bundle.Limits
	refs      []bootstrap.Ref
}

func newBootstrapRBACCommand(streams Streams, name string) *cobra.Command {
	o := &bootstrapRBACOptions{limits: bundle.DefaultLimits()}
	c := &cobra.Command{
		Use:   "bootstrap-rbac (--version VERSION KIND/[NAMESPACE/]NAME... | --from BUNDLE)",
		Short: "Print bootstrap RBAC objects from the embedded policy, as YAML for kubectl auth reconcile",
		Long: fmt.Sprintf(`Bootstrap-rbac prints the bootstrap RBAC objects kube-apiserver creates at start (ClusterRoles,
ClusterRoleBindings, Roles, RoleBindings, e.g. system:kube-controller-manager) as the
policy embedded in %[1]s has them for a Kubernetes version (%[2]s): a multi-document
YAML stream with, above each object, a comment saying why it is printed, clean for
"kubectl auth reconcile -f -" (no resourceVersion, uid, timestamps or status).
Reconcile creates what is missing, adds back missing rules and subjects, and recreates
a binding whose roleRef changed; it never removes anything.

With objects: KIND is clusterrole, clusterrolebinding, role or rolebinding (any case);
a role or rolebinding needs its namespace, as role/NAMESPACE/NAME or with -n. --version
is required: v1.37, 1.37 or v1.37.2.

With --from BUNDLE (a bundle as "analyze" reads it, or "-" for standard input): the
bundle's RBAC is compared with the policy of the cluster's version (or of --version)
and every bootstrap object missing or reduced is printed in full. Objects that carry
rbac.authorization.kubernetes.io/autoupdate: "false" (reconcile leaves them alone) and
differences due only to default-on feature gates are named on stderr, not printed.
When nothing is missing, stdout stays empty and stderr says "nothing to restore".

Exit status: 0 printed (or nothing to restore); 1 the bundle cannot tell (its RBAC lists
were not collected completely, or its version has no embedded policy and --version is
not given); 2 bad usage (unknown version or object); 4 the bundle cannot be read.`, name, bootstrap.VersionsText()),
		Example: fmt.Sprintf(`  # The objects a finding names, back into the cluster
  %[1]s bootstrap-rbac --version v1.37 clusterrole/system:kube-controller-manager clusterrolebinding/system:kube-controller-manager | kubectl auth reconcile -f -
  %[1]s bootstrap-rbac --version 1.37 -n kube-system role/extension-apiserver-authentication-reader

  # Everything a bundle shows missing or reduced: review, then reconcile
  %[1]s bootstrap-rbac --from bundle.tgz > restore.yaml
  kubectl auth reconcile -f restore.yaml --dry-run=client
  kubectl auth reconcile -f restore.yaml`, name),
		RunE: func(c *cobra.Command, args []string) error {
			if err := o.complete(args); err != nil {
				return err
			}
			return o.run(streams)
		},
	}
	f := c.Flags()
	f.StringVar(&o.version, "version", "", "Kubernetes version whose bootstrap policy to print (v1.37, 1.37 or v1.37.2; embedded: "+bootstrap.VersionsText()+"); with --from, overrides the bundle's")
	f.StringVar(&o.from, "from", "", "print what this bundle shows missing or reduced (- reads standard input)")
	f.StringVarP(&o.namespace, "namespace", "n", "", "namespace of role/NAME and rolebinding/NAME arguments")
	addLimitFlags(c, &o.limits)
	return c
}

// complete checks the flags and reads the object arguments.
func (o *bootstrapRBACOptions) complete(args []string) error {
	switch {
	case o.from == "" && len(args) == 0:
		return usage("bootstrap-rbac needs objects (KIND/NAME...) with --version, or --from BUNDLE")
	case o.from != "" && len(args) > 0:
		return usage("bootstrap-rbac takes objects or --from BUNDLE, not both")
	case o.from == "" && o.version == "":
		return usage("bootstrap-rbac needs --version with objects (e.g. --version v1.37)")
	}
	var bad []string
	for _, a := range args {
		r, err := bootstrap.ParseRef(a, o.namespace)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		o.refs = append(o.refs, r)
	}
	if len(bad) > 0 {
		return usage("%s", strings.Join(bad, "; "))
	}
	return nil
}

func (o *bootstrapRBACOptions) run(streams Streams) error {
	if o.from != "" {
		return o.runFrom(streams)
	}
	p, err := bootstrap.Exact(o.version)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	items, err := bootstrap.Select(p, o.refs)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	return bootstrap.WriteYAML(streams.Out, items)
}

// runFrom prints what a bundle shows missing or reduced.
func (o *bootstrapRBACOptions) runFrom(streams Streams) error {
	snap, name, err := readBundle(streams, o.from, analyze.Options{Limits: o.limits, Memory: &GCPolicy{}})
	if err != nil {
		return err
	}
	plan, err := restore.FromSnapshot(snap, o.version)
	var unknown *bootstrap.UnknownVersionError
	switch {
	case errors.As(err, &unknown) && o.version != "":
		return &ExitError{Code: ExitUsage, Err: err}
	case err != nil:
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%s: %w", name, err)}
	}
	if o.version != "" && plan.GitVersion != "" {
		if m, ok := bootstrap.Minor(plan.GitVersion); ok && !strings.HasPrefix(plan.Policy.GitVersion, fmt.Sprintf("v1.%d.", m)) {
			fmt.Fprintf(streams.ErrOut, "note: the bundle's cluster is %s; comparing with the policy of %s as --version asks\n", plan.GitVersion, plan.Policy.GitVersion)
		}
	}
	for _, s := range plan.Skipped {
		fmt.Fprintf(streams.ErrOut, "not printed: %s: %s\n", s.Ref.Describe(), s.Reason)
	}
	switch n := len(plan.Items); {
	case n == 0 && len(plan.Skipped) > 0:
		fmt.Fprintf(streams.ErrOut, "nothing to restore: no other bootstrap RBAC object of %s is missing or reduced in %s\n", plan.Policy.GitVersion, name)
		return nil
	case n == 0:
		fmt.Fprintf(streams.ErrOut, "nothing to restore: %s holds every bootstrap RBAC object of %s, complete\n", name, plan.Policy.GitVersion)
		return nil
	case n == 1:
		fmt.Fprintf(streams.ErrOut, "1 bootstrap RBAC object missing or reduced in %s (policy of %s): pipe it to kubectl auth reconcile -f -\n", name, plan.Policy.GitVersion)
	default:
		fmt.Fprintf(streams.ErrOut, "%d bootstrap RBAC objects missing or reduced in %s (policy of %s): pipe them to kubectl auth reconcile -f -\n", n, name, plan.Policy.GitVersion)
	}
	return bootstrap.WriteYAML(streams.Out, plan.Items)
}
