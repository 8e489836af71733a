package server

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

const passDefinition = `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`
const role = "arn:aws:iam::123456789012:role/DummyRole"

// newTestServer starts a server on a loopback port and returns the Go
// SDK's client of it: the real client, signing with dummy credentials.
func newTestServer(t *testing.T, cfg Config) (*Server, *sfn.Client) {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(func() { hs.Close(); s.Close() })
	return s, sdkClient(hs.URL)
}

func sdkClient(url string) *sfn.Client {
	return sfn.New(sfn.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      aws.NopRetryer{},
	})
}

// apiCode returns the error code of an SDK error, "" for nil.
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "not an API error: " + err.Error()
	}
	return ""
}

func TestSDKStateMachines(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC)
	_, c := newTestServer(t, Config{Now: func() time.Time { return clock }})

	created, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String("hello"), Definition: aws.String(passDefinition), RoleArn: aws.String(role),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	const arn = "arn:aws:states:us-east-1:123456789012:stateMachine:hello"
	if got := aws.ToString(created.StateMachineArn); got != arn {
		t.Errorf("arn = %q, want %q", got, arn)
	}
	if !created.CreationDate.Equal(clock) {
		t.Errorf("creationDate = %v, want %v (epoch seconds with milliseconds)", created.CreationDate, clock)
	}
	// The same request again is answered with the same machine; another
	// definition under the name is refused.
	if _, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("hello"), Definition: aws.String(passDefinition), RoleArn: aws.String(role)}); err != nil {
		t.Errorf("idempotent create: %v", err)
	}
	_, err = c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("hello"), Definition: aws.String(strings.Replace(passDefinition, `"P"`, `"Q"`, -1)), RoleArn: aws.String(role)})
	var exists *types.StateMachineAlreadyExists
	if !errors.As(err, &exists) {
		t.Errorf("create of a taken name: %v, want StateMachineAlreadyExists", err)
	}

	desc, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(desc.Definition) != passDefinition || desc.Type != types.StateMachineTypeStandard || desc.Status != types.StateMachineStatusActive || aws.ToString(desc.Name) != "hello" {
		t.Errorf("describe = %+v", desc)
	}

	upd, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{
		StateMachineArn: aws.String(arn), Definition: aws.String(strings.Replace(passDefinition, `"P"`, `"Q"`, -1)),
		Publish: true, VersionDescription: aws.String("first"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(upd.RevisionId) == aws.ToString(desc.RevisionId) {
		t.Errorf("update kept revision %s", aws.ToString(upd.RevisionId))
	}
	if got := aws.ToString(upd.StateMachineVersionArn); got != arn+":1" {
		t.Errorf("published version %q, want %s:1", got, arn)
	}
	v1, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: upd.StateMachineVersionArn})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(v1.Description) != "first" || !strings.Contains(aws.ToString(v1.Definition), `"Q"`) {
		t.Errorf("version 1 = %+v", v1)
	}
	// Publishing the same revision again answers the same version;
	// publishing an old revision is a conflict.
	pub, err := c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(arn)})
	if err != nil || aws.ToString(pub.StateMachineVersionArn) != arn+":1" {
		t.Errorf("publish again = %v, %v", pub, err)
	}
	_, err = c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(arn), RevisionId: desc.RevisionId})
	if got := apiCode(err); got != "ConflictException" {
		t.Errorf("publish of an old revision: %s, want ConflictException", got)
	}

	alias, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{
		Name:                 aws.String("prod"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(arn + ":1"), Weight: 100}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(alias.StateMachineAliasArn); got != arn+":prod" {
		t.Errorf("alias arn %q", got)
	}
	ad, err := c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: alias.StateMachineAliasArn})
	if err != nil || aws.ToString(ad.Name) != "prod" || len(ad.RoutingConfiguration) != 1 || ad.RoutingConfiguration[0].Weight != 100 {
		t.Errorf("describe alias = %+v, %v", ad, err)
	}
	_, err = c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(arn + ":1")})
	if got := apiCode(err); got != "ConflictException" {
		t.Errorf("delete of a version an alias routes to: %s, want ConflictException", got)
	}
	_, err = c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{
		Name:                 aws.String("half"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(arn + ":1"), Weight: 50}},
	})
	if got := apiCode(err); got != "ValidationException" {
		t.Errorf("weights adding up to 50: %s, want ValidationException", got)
	}
	if _, err := c.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: alias.StateMachineAliasArn, Description: aws.String("production")}); err != nil {
		t.Fatal(err)
	}
	if ad, err := c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: alias.StateMachineAliasArn}); err != nil || aws.ToString(ad.Description) != "production" || ad.UpdateDate == nil {
		t.Errorf("alias after update: %+v, %v", ad, err)
	}
	aliases, err := c.ListStateMachineAliases(ctx, &sfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(arn)})
	if err != nil || len(aliases.StateMachineAliases) != 1 {
		t.Errorf("list aliases = %+v, %v", aliases, err)
	}
	versions, err := c.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(arn)})
	if err != nil || len(versions.StateMachineVersions) != 1 {
		t.Errorf("list versions = %+v, %v", versions, err)
	}
	if _, err := c.DeleteStateMachineAlias(ctx, &sfn.DeleteStateMachineAliasInput{StateMachineAliasArn: alias.StateMachineAliasArn}); err != nil {
		t.Error(err)
	}
	if _, err := c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(arn + ":1")}); err != nil {
		t.Error(err)
	}

	if _, err := c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range tags.Tags {
		got = append(got, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
	}
	if diff := cmp.Diff([]string{"env=dev"}, got); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}

	if _, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	var missing *types.StateMachineDoesNotExist
	if !errors.As(err, &missing) {
		t.Errorf("describe after delete: %v, want StateMachineDoesNotExist", err)
	}
}

// TestSDKErrors checks the error codes the SDK decodes into its types.
func TestSDKErrors(t *testing.T) {
	ctx := context.Background()
	_, c := newTestServer(t, Config{})
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"invalid definition", func() error {
			_, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("x"), Definition: aws.String(`{"StartAt": "Nowhere", "States": {"P": {"Type": "Pass", "End": true}}}`), RoleArn: aws.String(role)})
			return err
		}, "InvalidDefinition"},
		{"invalid name", func() error {
			_, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("a b"), Definition: aws.String(passDefinition), RoleArn: aws.String(role)})
			return err
		}, "InvalidName"},
		{"name too long", func() error {
			_, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(strings.Repeat("n", 81)), Definition: aws.String(passDefinition), RoleArn: aws.String(role)})
			return err
		}, "InvalidName"},
		{"bad role", func() error {
			_, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("x"), Definition: aws.String(passDefinition), RoleArn: aws.String("role")})
			return err
		}, "InvalidArn"},
		{"bad type", func() error {
			_, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("x"), Definition: aws.String(passDefinition), RoleArn: aws.String(role), Type: "FAST"})
			return err
		}, "ValidationException"},
		{"express with an activity", func() error {
			_, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("x"), Type: types.StateMachineTypeExpress, RoleArn: aws.String(role),
				Definition: aws.String(`{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:a", "End": true}}}`)})
			return err
		}, "InvalidDefinition"},
		{"definition too large", func() error {
			_, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("x"), RoleArn: aws.String(role),
				Definition: aws.String(`{"Comment": "` + strings.Repeat("c", maxDefinitionChars) + `", "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`)})
			return err
		}, "ValidationException"},
		{"bad arn", func() error {
			_, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:f")})
			return err
		}, "InvalidArn"},
		{"path in the arn", func() error {
			_, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String("arn:aws:states:us-east-1:123456789012:stateMachine:../../etc/passwd")})
			return err
		}, "InvalidArn"},
		{"no such machine", func() error {
			_, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String("arn:aws:states:us-east-1:123456789012:stateMachine:nope")})
			return err
		}, "StateMachineDoesNotExist"},
		{"update with nothing", func() error {
			_, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String("arn:aws:states:us-east-1:123456789012:stateMachine:nope")})
			return err
		}, "MissingRequiredParameter"},
		{"bad token", func() error {
			_, err := c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{NextToken: aws.String("garbage!")})
			return err
		}, "InvalidToken"},
		{"tags of nothing", func() error {
			_, err := c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:states:us-east-1:123456789012:stateMachine:nope")})
			return err
		}, "ResourceNotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := apiCode(tt.call()); got != tt.want {
				t.Errorf("error code %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSDKInvalidDefinitionMessage: CreateStateMachine says where each
// problem is, as validate does.
func TestSDKInvalidDefinitionMessage(t *testing.T) {
	_, c := newTestServer(t, Config{})
	_, err := c.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String("x"), RoleArn: aws.String(role),
		Definition: aws.String("{\"StartAt\": \"P\",\n \"States\": {\"P\": {\"Type\": \"Pass\", \"Next\": \"Gone\"}, \"E\": {\"Type\": \"Succeed\"}}}")})
	var inv *types.InvalidDefinition
	if !errors.As(err, &inv) {
		t.Fatalf("got %v, want InvalidDefinition", err)
	}
	const want = "MISSING_TRANSITION_TARGET: "
	if msg := inv.ErrorMessage(); !strings.HasPrefix(msg, "Invalid State Machine Definition: '"+want) || !strings.Contains(msg, "at /States/P/Next (line 2, column") {
		t.Errorf("message %q: want the code, the pointer and the line", msg)
	}
}

func TestSDKListPaging(t *testing.T) {
	ctx := context.Background()
	_, c := newTestServer(t, Config{})
	var want []string
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		if _, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(passDefinition), RoleArn: aws.String(role)}); err != nil {
			t.Fatal(err)
		}
		want = append(want, name)
	}
	var got []string
	pages := 0
	p := sfn.NewListStateMachinesPaginator(c, &sfn.ListStateMachinesInput{MaxResults: 2})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, m := range out.StateMachines {
			got = append(got, aws.ToString(m.Name))
		}
	}
	if diff := cmp.Diff(want, got); diff != "" || pages != 3 {
		t.Errorf("%d pages, names (-want +got):\n%s", pages, diff)
	}
}

// TestRestartKeepsRegistry: a server on the same data folder knows the
// machines, versions, aliases and tags of the one before.
func TestRestartKeepsRegistry(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, c := newTestServer(t, Config{DataDir: dir})
	if _, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("kept"), Definition: aws.String(passDefinition), RoleArn: aws.String(role), Publish: true,
		Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}
	before, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String("arn:aws:states:us-east-1:123456789012:stateMachine:kept:1")})
	if err != nil {
		t.Fatal(err)
	}
	_, c2 := newTestServer(t, Config{DataDir: dir})
	after, err := c2.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String("arn:aws:states:us-east-1:123456789012:stateMachine:kept:1")})
	if err != nil {
		t.Fatal(err)
	}
	// The members a client reads, with the dates as instants.
	view := func(o *sfn.DescribeStateMachineOutput) []string {
		return []string{aws.ToString(o.StateMachineArn), aws.ToString(o.Name), aws.ToString(o.Definition), aws.ToString(o.RoleArn),
			string(o.Type), string(o.Status), aws.ToString(o.RevisionId), o.CreationDate.UTC().String()}
	}
	if diff := cmp.Diff(view(before), view(after)); diff != "" {
		t.Errorf("after restart (-before +after):\n%s", diff)
	}
	tags, err := c2.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:states:us-east-1:123456789012:stateMachine:kept")})
	if err != nil || len(tags.Tags) != 1 {
		t.Errorf("tags after restart: %+v, %v", tags, err)
	}
}

func TestSDKValidate(t *testing.T) {
	ctx := context.Background()
	_, c := newTestServer(t, Config{})
	ok, err := c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(passDefinition)})
	if err != nil || ok.Result != types.ValidateStateMachineDefinitionResultCodeOk || len(ok.Diagnostics) != 0 {
		t.Errorf("valid definition: %+v, %v", ok, err)
	}
	bad, err := c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{
		Definition: aws.String(`{"StartAt": "P", "States": {"P": {"Type": "Pass", "Next": "Gone"}, "E": {"Type": "Succeed"}}}`)})
	if err != nil {
		t.Fatal(err)
	}
	if bad.Result != types.ValidateStateMachineDefinitionResultCodeFail || len(bad.Diagnostics) == 0 {
		t.Fatalf("invalid definition: %+v", bad)
	}
	d := bad.Diagnostics[0]
	if aws.ToString(d.Code) != "MISSING_TRANSITION_TARGET" || d.Severity != types.ValidateStateMachineDefinitionSeverityError || aws.ToString(d.Location) != "/States/P/Next" {
		t.Errorf("diagnostic = code %s severity %s location %s", aws.ToString(d.Code), d.Severity, aws.ToString(d.Location))
	}
	trunc, err := c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{MaxResults: 1,
		Definition: aws.String(`{"StartAt": "P", "States": {"P": {"Type": "Pass", "Next": "Gone"}, "Q": {"Type": "Pass", "Next": "Away"}}}`)})
	if err != nil || len(trunc.Diagnostics) != 1 || !aws.ToBool(trunc.Truncated) {
		t.Errorf("maxResults 1: %+v, %v", trunc, err)
	}
}

func TestSDKActivities(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, c := newTestServer(t, Config{DataDir: dir})
	created, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("review"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	if err != nil {
		t.Fatal(err)
	}
	const arn = "arn:aws:states:us-east-1:123456789012:activity:review"
	if aws.ToString(created.ActivityArn) != arn {
		t.Errorf("activityArn %q", aws.ToString(created.ActivityArn))
	}
	// Create is idempotent on the name.
	again, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("review")})
	if err != nil || !again.CreationDate.Equal(*created.CreationDate) {
		t.Errorf("second create: %+v, %v", again, err)
	}
	_, c2 := newTestServer(t, Config{DataDir: dir}) // a restart keeps it
	d, err := c2.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String(arn)})
	if err != nil || aws.ToString(d.Name) != "review" {
		t.Errorf("describe after restart: %+v, %v", d, err)
	}
	tags, err := c2.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "k" {
		t.Errorf("activity tags: %+v, %v", tags, err)
	}
	list, err := c2.ListActivities(ctx, &sfn.ListActivitiesInput{})
	if err != nil || len(list.Activities) != 1 {
		t.Errorf("list: %+v, %v", list, err)
	}
	if _, err := c2.DeleteActivity(ctx, &sfn.DeleteActivityInput{ActivityArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = c2.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String(arn)})
	var missing *types.ActivityDoesNotExist
	if !errors.As(err, &missing) {
		t.Errorf("describe after delete: %v, want ActivityDoesNotExist", err)
	}
	_, err = c2.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("bad name")})
	if got := apiCode(err); got != "InvalidName" {
		t.Errorf("bad name: %s", got)
	}
	_, err = c2.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String("arn:aws:states:us-east-1:123456789012:stateMachine:review")})
	if got := apiCode(err); got != "InvalidArn" {
		t.Errorf("a state machine's ARN: %s", got)
	}
}
