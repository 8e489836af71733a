package integrations

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Connections stand in locally for the EventBridge connections that HTTP
// Tasks name in Authentication.ConnectionArn: each ARN maps to the
// authorization a connection holds, written as EventBridge's
// CreateConnection takes it, so that a deployed connection's settings
// carry over:
//
//	{
//	  "arn:aws:events:us-east-1:123456789012:connection/api/1": {
//	    "AuthorizationType": "API_KEY",
//	    "AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "secret"}}
//	  },
//	  "arn:aws:events:us-east-1:123456789012:connection/oauth/2": {
//	    "AuthorizationType": "OAUTH_CLIENT_CREDENTIALS",
//	    "AuthParameters": {"OAuthParameters": {
//	      "AuthorizationEndpoint": "http://127.0.0.1:8080/token", "HttpMethod": "POST",
//	      "ClientParameters": {"ClientID": "id", "ClientSecret": "secret"},
//	      "OAuthHttpParameters": {"BodyParameters": [{"Key": "grant_type", "Value": "client_credentials"}]}}}
//	  }
//	}
//
// AuthorizationType is API_KEY, BASIC or OAUTH_CLIENT_CREDENTIALS;
// AuthParameters.InvocationHttpParameters adds headers, query parameters
// and body parameters to every request, as EventBridge does.
type Connections map[string]*Connection

// A Connection is one connection's authorization.
type Connection struct {
	AuthorizationType string
	AuthParameters    AuthParameters
}

// AuthParameters are the parameters of a connection's authorization.
type AuthParameters struct {
	ApiKeyAuthParameters *struct {
		ApiKeyName, ApiKeyValue string
	} `json:",omitempty"`
	BasicAuthParameters *struct {
		Username, Password string
	} `json:",omitempty"`
	OAuthParameters *struct {
		AuthorizationEndpoint string
		HttpMethod            string
		ClientParameters      struct{ ClientID, ClientSecret string }
		OAuthHttpParameters   *HTTPParameters `json:",omitempty"`
	} `json:",omitempty"`
	InvocationHttpParameters *HTTPParameters `json:",omitempty"`
}

// HTTPParameters are extra parameters of a request.
type HTTPParameters struct {
	BodyParameters        []Parameter `json:",omitempty"`
	HeaderParameters      []Parameter `json:",omitempty"`
	QueryStringParameters []Parameter `json:",omitempty"`
}

// A Parameter is one key and value; IsValueSecret is accepted and ignored.
type Parameter struct {
	Key, Value    string
	IsValueSecret bool `json:",omitempty"`
}

// ParseConnections reads a connections file. Unknown members are errors,
// so that a misspelt one does not silently drop an authorization.
func ParseConnections(data []byte) (Connections, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Connections
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("connections file: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("connections file: more than one JSON value")
	}
	arns := make([]string, 0, len(c))
	for arn := range c {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	for _, arn := range arns {
		if err := c[arn].check(); err != nil {
			return nil, fmt.Errorf("connections file: %s: %w", arn, err)
		}
	}
	return c, nil
}

// check reports a connection whose parameters do not fit its type.
func (c *Connection) check() error {
	if c == nil {
		return fmt.Errorf("null connection")
	}
	p := c.AuthParameters
	switch c.AuthorizationType {
	case "API_KEY":
		if p.ApiKeyAuthParameters == nil || p.ApiKeyAuthParameters.ApiKeyName == "" {
			return fmt.Errorf("API_KEY needs AuthParameters.ApiKeyAuthParameters with an ApiKeyName")
		}
	case "BASIC":
		if p.BasicAuthParameters == nil {
			return fmt.Errorf("BASIC needs AuthParameters.BasicAuthParameters")
		}
	case "OAUTH_CLIENT_CREDENTIALS":
		o := p.OAuthParameters
		if o == nil {
			return fmt.Errorf("OAUTH_CLIENT_CREDENTIALS needs AuthParameters.OAuthParameters")
		}
		u, err := url.Parse(o.AuthorizationEndpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("OAuthParameters.AuthorizationEndpoint %q is not an http(s) URL", o.AuthorizationEndpoint)
		}
		switch strings.ToUpper(o.HttpMethod) {
		case "GET", "POST", "PUT":
		default:
			return fmt.Errorf("OAuthParameters.HttpMethod %q: want GET, POST or PUT", o.HttpMethod)
		}
	default:
		return fmt.Errorf("AuthorizationType %q: want API_KEY, BASIC or OAUTH_CLIENT_CREDENTIALS", c.AuthorizationType)
	}
	return nil
}
