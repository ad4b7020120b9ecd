// hostpath-provisioner gives the single-node cluster a default StorageClass: for every PersistentVolumeClaim of a
// class whose provisioner is --provisioner it creates a directory under --root and returns a hostPath
// PersistentVolume for it; when such a volume is released under reclaimPolicy Delete it removes the directory.
// It runs as a process on the host (the directories are the node's), talking to the API server through
// --kubeconfig. The controller loop (watching claims, creating and deleting the PV objects) is the SIG Storage
// library's; this file is only its Provisioner interface (sig-storage-lib-external-provisioner/v10@v10.0.1,
// controller/volume.go: Provision and Delete).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"sigs.k8s.io/sig-storage-lib-external-provisioner/v10/controller"
)

type hostPathProvisioner struct{ root string }

// Provision makes <root>/<pvName> (mode 0777, so a pod's non-root user can write to it) and describes it as a
// hostPath volume with the claim's size and access modes, and the reclaim policy of its StorageClass.
func (p hostPathProvisioner) Provision(_ context.Context, options controller.ProvisionOptions) (*v1.PersistentVolume, controller.ProvisioningState, error) {
	dir := filepath.Join(p.root, options.PVName)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, controller.ProvisioningFinished, err
	}
	if err := os.Chmod(dir, 0o777); err != nil { // MkdirAll's mode is filtered by the umask
		return nil, controller.ProvisioningFinished, err
	}
	reclaim := v1.PersistentVolumeReclaimDelete
	if options.StorageClass.ReclaimPolicy != nil {
		reclaim = *options.StorageClass.ReclaimPolicy
	}
	directoryOrCreate := v1.HostPathDirectoryOrCreate
	return &v1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: options.PVName},
		Spec: v1.PersistentVolumeSpec{
			PersistentVolumeReclaimPolicy: reclaim,
			AccessModes:                   options.PVC.Spec.AccessModes,
			MountOptions:                  options.StorageClass.MountOptions,
			Capacity:                      v1.ResourceList{v1.ResourceStorage: options.PVC.Spec.Resources.Requests[v1.ResourceStorage]},
			PersistentVolumeSource: v1.PersistentVolumeSource{
				HostPath: &v1.HostPathVolumeSource{Path: dir, Type: &directoryOrCreate},
			},
		},
	}, controller.ProvisioningFinished, nil
}

// Delete removes the volume's directory; volumes that are not directly under --root were not made here.
func (p hostPathProvisioner) Delete(_ context.Context, volume *v1.PersistentVolume) error {
	source := volume.Spec.HostPath
	if source == nil || filepath.Dir(source.Path) != p.root {
		return &controller.IgnoredError{Reason: "the volume is not a directory under " + p.root}
	}
	return os.RemoveAll(source.Path)
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig file of the cluster")
	root := flag.String("root", "", "host directory that holds the volumes")
	name := flag.String("provisioner", "todo-chatbot.local/hostpath", "provisioner name that StorageClasses refer to")
	flag.Parse()
	if *kubeconfig == "" || *root == "" {
		fmt.Fprintln(os.Stderr, "usage: hostpath-provisioner --kubeconfig PATH --root DIR [--provisioner NAME]")
		os.Exit(2)
	}
	logger := klog.Background()
	rootDir, err := filepath.Abs(*root)
	if err == nil {
		err = os.MkdirAll(rootDir, 0o755)
	}
	if err != nil {
		logger.Error(err, "cannot use the volume root", "root", *root)
		os.Exit(1)
	}
	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		logger.Error(err, "cannot read the kubeconfig", "kubeconfig", *kubeconfig)
		os.Exit(1)
	}
	client := kubernetes.NewForConfigOrDie(config)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	// One process on one node: no leader election (it would need a Lease and a namespace to hold it).
	controller.NewProvisionController(logger, client, *name, hostPathProvisioner{root: rootDir},
		controller.LeaderElection(false)).Run(ctx)
}
