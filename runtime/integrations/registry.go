package integrations

import (
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// A service is an AWS service whose SDK client this package calls.
type service struct {
	name    string   // as resources name it: s3, dynamodb, eventbridge
	aliases []string // other names: events, the optimized integration's
	// errorPrefix names the errors of its AWS SDK integration
	// (S3.NoSuchKeyException, DynamoDb.ConditionalCheckFailedException).
	errorPrefix string
	// optimizedPrefix and javaName name the errors of its optimized
	// integration, when it has one (DynamoDB.ConditionalCheckFailedException,
	// "Service: AmazonDynamoDBv2" in the cause).
	optimizedPrefix, javaName string
	// envName is the service's part of AWS_ENDPOINT_URL_<NAME>.
	envName   string
	newClient func(cfg aws.Config) any
}

func (s *service) names() []string { return append([]string{s.name}, s.aliases...) }

var (
	servicesMu sync.RWMutex
	services   = map[string]*service{}
)

// Register links the AWS SDK client of a service into the AWS SDK
// integration arn:aws:states:::aws-sdk:NAME:ACTION. errorPrefix is the
// service's name in error names, in PascalCase as Step Functions spells it
// (the AWS SDK for Java's client name: "Ec2", "Sfn", "SecretsManager").
// newClient is the SDK's constructor, so that one line links a service:
//
//	integrations.Register("ec2", "Ec2", ec2.NewFromConfig)
//
// optFns apply to every client built, after the endpoint and region are
// set. Actions are the client's methods: aws-sdk:ec2:describeInstances
// calls DescribeInstances with its Parameters decoded into an
// *ec2.DescribeInstancesInput. Registering a name again replaces it.
func Register[C any, O any](name, errorPrefix string, newClient func(aws.Config, ...func(*O)) C, optFns ...func(*O)) {
	register(&service{
		name: name, errorPrefix: errorPrefix, envName: envName(name),
		newClient: func(cfg aws.Config) any { return newClient(cfg, optFns...) },
	})
}

func register(s *service) {
	servicesMu.Lock()
	defer servicesMu.Unlock()
	for _, n := range s.names() {
		services[n] = s
	}
}

// lookupService returns the service resources name name, or nil.
func lookupService(name string) *service {
	servicesMu.RLock()
	defer servicesMu.RUnlock()
	return services[name]
}

// serviceNames lists the names of the registered services.
func serviceNames() []string {
	servicesMu.RLock()
	defer servicesMu.RUnlock()
	names := make([]string, 0, len(services))
	for n := range services {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Linked reports whether an AWS SDK integration resource's service is
// linked in (built in or registered).
func Linked(service string) bool { return lookupService(service) != nil }

// envName is a service's part of AWS_ENDPOINT_URL_<NAME>: its SDK ID in
// upper case with underscores.
func envName(name string) string {
	return strings.ToUpper(strings.NewReplacer("-", "_", " ", "_").Replace(name))
}

// hasEnvEndpoint reports whether the environment names an endpoint for a
// service, which the SDK's clients then call.
func hasEnvEndpoint(s *service) bool {
	return os.Getenv("AWS_ENDPOINT_URL_"+s.envName) != "" || os.Getenv("AWS_ENDPOINT_URL") != ""
}
