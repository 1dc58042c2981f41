// Command kind-config-check loads a kind cluster configuration the way `kind create cluster
// --config FILE` does, without Docker: kind's own decoder (strict: an unknown or misspelt field
// is an error), its defaulting and its validation. It prints what kind would create as JSON.
//
// kind keeps its decoder in an internal package, so scripts/gitops/kind-config-check.sh builds
// this file inside a copy of the kind module (as its pkg/shopwatch-kind-config-check: only
// packages under sigs.k8s.io/kind/pkg may import it).
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"sigs.k8s.io/kind/pkg/apis/config/defaults"
	"sigs.k8s.io/kind/pkg/internal/apis/config/encoding"
)

type portMapping struct {
	ContainerPort int32  `json:"containerPort"`
	HostPort      int32  `json:"hostPort"`
	Protocol      string `json:"protocol"`
}

type node struct {
	Role         string        `json:"role"`
	Image        string        `json:"image"`
	PortMappings []portMapping `json:"portMappings"`
}

type summary struct {
	Name string `json:"name"`
	// The node image kind uses when a node names none: the one its release was tested with.
	DefaultImage string `json:"defaultImage"`
	Nodes        []node `json:"nodes"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: kind-config-check FILE")
		os.Exit(2)
	}
	cfg, err := encoding.Load(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: invalid: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	out := summary{Name: cfg.Name, DefaultImage: defaults.Image, Nodes: []node{}}
	for _, n := range cfg.Nodes {
		mappings := []portMapping{}
		for _, m := range n.ExtraPortMappings {
			mappings = append(mappings, portMapping{ContainerPort: m.ContainerPort, HostPort: m.HostPort, Protocol: string(m.Protocol)})
		}
		out.Nodes = append(out.Nodes, node{Role: string(n.Role), Image: n.Image, PortMappings: mappings})
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
