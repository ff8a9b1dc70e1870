package lab

import (
	"context"
	"errors"
)

func (c *Cluster) ScenarioServiceNotFound(ctx context.Context) (*ScenarioInfo, error) {
	return nil, errors.New("todo")
}
func (c *Cluster) ScenarioKCMAbsent(ctx context.Context) (*ScenarioInfo, error) {
	return nil, errors.New("todo")
}
func (c *Cluster) ScenarioPodOnDeadNode(ctx context.Context) (*ScenarioInfo, error) {
	return nil, errors.New("todo")
}
func (c *Cluster) ScenarioSpecFinalizer(ctx context.Context) (*ScenarioInfo, error) {
	return nil, errors.New("todo")
}
func (c *Cluster) ScenarioMetadataFinalizer(ctx context.Context) (*ScenarioInfo, error) {
	return nil, errors.New("todo")
}
func (c *Cluster) ScenarioAdmissionWebhook(ctx context.Context) (*ScenarioInfo, error) {
	return nil, errors.New("todo")
}
func (c *Cluster) ScenarioConversionWebhook(ctx context.Context) (*ScenarioInfo, error) {
	return nil, errors.New("todo")
}
func (c *Cluster) ScenarioHealthy(ctx context.Context) (*ScenarioInfo, error) {
	return nil, errors.New("todo")
}
