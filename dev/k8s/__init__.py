"""The Kubernetes deployment's generators and checks: Kafka users from the catalog, the vendored
schemas the manifests are validated against, and the rendering of the kustomize overlays."""
