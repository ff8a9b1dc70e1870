//go:build deps
package deps
import (
	_ "github.com/spf13/cobra"
	_ "k8s.io/apimachinery/pkg/apis/meta/v1"
	_ "sigs.k8s.io/yaml"
	_ "github.com/klauspost/compress/gzip"
	_ "github.com/klauspost/compress/zstd"
	_ "github.com/olekukonko/tablewriter"
	_ "k8s.io/client-go/kubernetes"
	_ "k8s.io/client-go/discovery"
	_ "k8s.io/client-go/dynamic"
	_ "k8s.io/cli-runtime/pkg/genericclioptions"
	_ "k8s.io/api/core/v1"
	_ "golang.org/x/term"
)
