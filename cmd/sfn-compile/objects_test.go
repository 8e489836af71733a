package main

import (
	"strings"
	"testing"

	"github.com/sfn-compile/sfn-compile/codegen"
	"github.com/sfn-compile/sfn-compile/compiler"
)

const (
	distReader = `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,
		"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"b"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}`
	distWriterOnly = `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,
		"ResultWriter":{"WriterConfig":{"Transformation":"COMPACT"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}`
	nestedExport = `{"StartAt":"Par","States":{"Par":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"M","States":{"M":{"Type":"Map","End":true,
		"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"b","Prefix":"p"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"End":true}}}}}}]}}}`
)

// The S3 store is linked into the programs of machines that read or
// export through S3, at any depth, and only those.
func TestUsesObjectStore(t *testing.T) {
	tests := []struct {
		def  string
		want bool
	}{
		{`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`, false},
		{distReader, true},
		{distWriterOnly, false},
		{nestedExport, true},
	}
	for _, tt := range tests {
		m, diags := compiler.Compile([]byte(tt.def), compiler.Options{Filename: "t.asl.json"})
		if m == nil {
			t.Fatalf("%s: %v", tt.def, diags)
		}
		if got := usesObjectStore(m); got != tt.want {
			t.Errorf("%s: usesObjectStore = %v, want %v", tt.def, got, tt.want)
		}
	}
}

// The mains of build (with and without the Lambda invoker, durable or
// not) and of lambda set the S3 store; the build test in testdata/script compiles one.
func TestObjectStoreMains(t *testing.T) {
	for _, tt := range []struct {
		name, def string
		want      []string
	}{
		// The store through integrations, for --endpoint s3=URL.
		{"build", distReader, []string{"integrations \"" + integrationsPkg + "\"", "o := integrations.ObjectsMainOptions(m)"}},
		{"build with Lambda", nestedExport, []string{"o := integrations.ObjectsMainOptions(m)"}},
		{"lambda", nestedExport, []string{"opts.Tasks = inv", "opts.Objects = store"}},
		// Durable executions get the store too (durable.Config.Objects).
		{"durable", distReader, []string{"durable.Main(m, integrations.ObjectsMainOptions(m))"}},
	} {
		m, diags := compiler.Compile([]byte(tt.def), compiler.Options{Filename: "t.asl.json"})
		if m == nil {
			t.Fatalf("%s: %v", tt.def, diags)
		}
		d := &definition{path: "t.asl.json", machine: m}
		var p *program
		var err error
		if tt.name == "lambda" {
			p, err = newLambdaProgram(d, "STANDARD")
		} else {
			p, err = newProgram(d, codegen.MainOptions{})
		}
		if err == nil && tt.name == "durable" {
			err = p.useDurable(m, codegen.MainOptions{})
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		main := string(p.files["main.go"])
		for _, w := range tt.want {
			if !strings.Contains(main, w) {
				t.Errorf("%s: main.go lacks %q:\n%s", tt.name, w, main)
			}
		}
		if p.requires == "" {
			t.Errorf("%s: the program does not require the AWS SDK", tt.name)
		}
	}
}
