// Command nsbundle collects a support bundle from a Kubernetes cluster and
// analyzes it offline for blocking chains. Installed as kubectl-nsbundle it
// is also a kubectl plugin.
package main

import "github.com/nsbundle/nsbundle/cmd/nsbundle/app"

func main() { app.Main() }
