//go:build ignore

// route.New returns (controller, error), as in k8s.io/cloud-provider v0.37
// (build-binaries.sh picks this file when the module's route.New says so).

package main

import (
	"net"

	coreinformers "k8s.io/client-go/informers/core/v1"
	"k8s.io/client-go/kubernetes"
	cloudprovider "k8s.io/cloud-provider"
	"k8s.io/cloud-provider/controllers/route"
)

func newRouteController(routes cloudprovider.Routes, client kubernetes.Interface, nodes coreinformers.NodeInformer,
	clusterName string, cidrs []*net.IPNet) (*route.RouteController, error) {
	return route.New(routes, client, nodes, clusterName, cidrs)
}
