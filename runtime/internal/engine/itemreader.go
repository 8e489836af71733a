package engine

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
)

// An ItemIterator yields the items of a Distributed Map one at a time, so
// that a Map Run over millions of items never holds them all.
type ItemIterator interface {
	// Next returns the next item; ok is false after the last one. An
	// error is the ItemReader's failure (States.ItemReaderFailed).
	Next(ctx context.Context) (item any, ok bool, err error)
	// Close releases what the iterator holds open.
	Close() error
}

// Item reader resources and input types (ItemReader.Resource,
// ReaderConfig.InputType).
const (
	ResourceListObjectsV2 = "arn:aws:states:::s3:listObjectsV2"
	ResourceGetObject     = "arn:aws:states:::s3:getObject"
	ResourcePutObject     = "arn:aws:states:::s3:putObject"
)

// ItemReaderConfig is an ItemReader's ReaderConfig, evaluated for this run.
type ItemReaderConfig struct {
	Resource  string // ResourceListObjectsV2 or ResourceGetObject
	InputType string // getObject: JSON, JSONL, CSV or MANIFEST
	// CSVHeaders are the column names of a CSV whose CSVHeaderLocation is
	// GIVEN; nil reads them from the first row (FIRST_ROW).
	CSVHeaders   []string
	CSVDelimiter string // COMMA (default), PIPE, SEMICOLON, SPACE or TAB
	// MaxItems caps the items read; 0 reads them all. A negative value
	// fails the reader, as AWS does.
	MaxItems int
}

// MaxItemBytes bounds one item read from an object, as AWS bounds a child
// execution's input: a larger item fails the reader before it is held.
const MaxItemBytes = MaxPayloadBytes

// maxCSVHeaderBytes is AWS's limit on a CSV header row (10 KiB).
const maxCSVHeaderBytes = 10 << 10

// ReadItems opens the items an ItemReader names: args is its evaluated
// Parameters (or Arguments), holding Bucket and Key (getObject) or Bucket
// and Prefix (listObjectsV2). Errors are States.ItemReaderFailed.
func ReadItems(ctx context.Context, store ObjectStore, cfg ItemReaderConfig, args any) (ItemIterator, error) {
	if cfg.MaxItems < 0 {
		return nil, NewError(ErrItemReaderFailed, "field MaxItems must be positive")
	}
	if store == nil {
		return nil, NewError(ErrItemReaderFailed, ErrNoObjectStore)
	}
	params, _ := args.(*Object)
	str := func(name string) (string, bool) {
		if params == nil {
			return "", false
		}
		v, ok := params.Get(name)
		s, isStr := v.(string)
		return s, ok && isStr
	}
	bucket, ok := str("Bucket")
	if !ok || bucket == "" {
		return nil, NewError(ErrItemReaderFailed, "The ItemReader parameters must include a Bucket string")
	}
	var it ItemIterator
	switch cfg.Resource {
	case ResourceListObjectsV2:
		prefix, _ := str("Prefix")
		it = &listIterator{store: store, bucket: bucket, prefix: prefix}
	case ResourceGetObject:
		key, ok := str("Key")
		if !ok || key == "" {
			return nil, NewError(ErrItemReaderFailed, "The ItemReader parameters must include a Key string")
		}
		body, err := store.GetObject(ctx, bucket, key)
		if err != nil {
			return nil, NewError(ErrItemReaderFailed, err.Error())
		}
		it, err = OpenItemStream(ctx, store, body, cfg)
		if err != nil {
			body.Close()
			return nil, err
		}
	default:
		return nil, NewError(ErrItemReaderFailed, "Unsupported ItemReader resource: "+cfg.Resource)
	}
	if cfg.MaxItems > 0 {
		it = &cappedItems{ItemIterator: it, left: cfg.MaxItems}
	}
	return it, nil
}

// OpenItemStream reads the items of an object's content r as cfg.InputType
// says; the iterator closes r. store is read for the files that a MANIFEST
// lists.
func OpenItemStream(ctx context.Context, store ObjectStore, r io.ReadCloser, cfg ItemReaderConfig) (ItemIterator, error) {
	switch cfg.InputType {
	case "JSON":
		return NewJSONItems(r), nil
	case "JSONL":
		return NewJSONLItems(r), nil
	case "CSV":
		delim, ok := csvDelimiter(cfg.CSVDelimiter)
		if !ok {
			return nil, NewError(ErrItemReaderFailed, "Unsupported CSVDelimiter: "+cfg.CSVDelimiter)
		}
		return NewCSVItems(r, delim, cfg.CSVHeaders), nil
	case "MANIFEST":
		return NewManifestItems(ctx, store, r), nil
	}
	return nil, NewError(ErrItemReaderFailed, "Unsupported InputType: "+cfg.InputType)
}

// csvDelimiter maps ReaderConfig.CSVDelimiter to its character.
func csvDelimiter(name string) (rune, bool) {
	switch name {
	case "", "COMMA":
		return ',', true
	case "PIPE":
		return '|', true
	case "SEMICOLON":
		return ';', true
	case "SPACE":
		return ' ', true
	case "TAB":
		return '\t', true
	}
	return 0, false
}

// readerFailed wraps a reading error as States.ItemReaderFailed.
func readerFailed(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return NewError(ErrItemReaderFailed, err.Error())
}

// cappedItems stops after MaxItems items.
type cappedItems struct {
	ItemIterator
	left int
}

func (c *cappedItems) Next(ctx context.Context) (any, bool, error) {
	if c.left <= 0 {
		return nil, false, nil
	}
	c.left--
	return c.ItemIterator.Next(ctx)
}

// SliceItems iterates over items already in memory (a Distributed Map's
// ItemsPath or Items).
func SliceItems(items []any) ItemIterator { return &sliceItems{items: items} }

type sliceItems struct {
	items []any
	i     int
}

func (s *sliceItems) Next(context.Context) (any, bool, error) {
	if s.i >= len(s.items) {
		return nil, false, nil
	}
	v := s.items[s.i]
	s.i++
	return v, true, nil
}

func (s *sliceItems) Close() error { return nil }

// listIterator pages through ListObjects; each object is an item shaped
// as AWS shapes it: {"Etag", "Key", "LastModified" (epoch seconds),
// "Size", "StorageClass"}. The evidence: the developer guide's ItemReader
// page shows a child's input as {"Etag": "\"…\"", "Key": …,
// "LastModified": 1668699881, "Size": 34910, "StorageClass": "STANDARD"},
// and LocalStack's AWS-validated snapshot of a listObjectsV2 ItemReader
// (recorded 2023-09-21) has "Etag" and "StorageClass": "STANDARD" too,
// unlike the SDK's and aws-sdk:s3:listObjectsV2's "ETag".
type listIterator struct {
	store          ObjectStore
	bucket, prefix string
	page           []ObjectInfo
	next           string
	started, done  bool
}

func (l *listIterator) Next(ctx context.Context) (any, bool, error) {
	for len(l.page) == 0 {
		if l.done {
			return nil, false, nil
		}
		if l.started && l.next == "" {
			l.done = true
			return nil, false, nil
		}
		p, err := l.store.ListObjects(ctx, l.bucket, l.prefix, l.next)
		if err != nil {
			return nil, false, NewError(ErrItemReaderFailed, err.Error())
		}
		l.started, l.page, l.next = true, p.Objects, p.Next
		if l.next == "" && len(l.page) == 0 {
			l.done = true
		}
	}
	o := l.page[0]
	l.page = l.page[1:]
	return ObjectOf(
		Member{"Etag", o.ETag},
		Member{"Key", o.Key},
		Member{"LastModified", o.LastModified.Unix()},
		Member{"Size", o.Size},
		Member{"StorageClass", o.StorageClass},
	), true, nil
}

func (l *listIterator) Close() error { return nil }

// capReader fails a read once more than limit bytes have gone through
// since the last reset: it bounds the memory one item may take, whatever
// the parser above buffers.
type capReader struct {
	r     io.Reader
	n     int
	limit int
	what  string
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n > c.limit {
		return 0, NewError(ErrItemReaderFailed, c.what+" is larger than "+strconv.Itoa(c.limit)+" bytes")
	}
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// NewJSONItems streams the elements of a JSON array: a document that is
// not an array fails with AWS's "Attempting to map over non-iterable
// node.".
func NewJSONItems(r io.Reader) ItemIterator {
	return &jsonItems{r: bufio.NewReaderSize(r, 64<<10), closer: asCloser(r)}
}

type jsonItems struct {
	r       *bufio.Reader
	closer  io.Closer
	buf     []byte
	started bool
	done    bool
	index   int
	// trailing is the error of content after the array, reported after
	// the last item.
	trailing error
}

func asCloser(r io.Reader) io.Closer {
	if c, ok := r.(io.Closer); ok {
		return c
	}
	return io.NopCloser(nil)
}

func (j *jsonItems) Close() error { return j.closer.Close() }

func (j *jsonItems) skipSpace() (byte, error) {
	for {
		c, err := j.r.ReadByte()
		if err != nil {
			return 0, err
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c, nil
	}
}

var errNotIterable = NewError(ErrItemReaderFailed, "Attempting to map over non-iterable node.")

func (j *jsonItems) Next(context.Context) (any, bool, error) {
	if j.done {
		err := j.trailing
		j.trailing = nil
		return nil, false, err
	}
	if !j.started {
		j.started = true
		c, err := j.skipSpace()
		if err != nil {
			j.done = true
			return nil, false, NewError(ErrItemReaderFailed, "The JSON document is empty or unreadable")
		}
		if c != '[' {
			j.done = true
			return nil, false, errNotIterable
		}
		c, err = j.skipSpace()
		if err != nil {
			j.done = true
			return nil, false, NewError(ErrItemReaderFailed, "The JSON array is not terminated")
		}
		if c == ']' {
			return nil, false, j.end()
		}
		j.r.UnreadByte()
	}
	item, last, err := j.element()
	if err != nil {
		j.done = true
		return nil, false, err
	}
	if last {
		// Content after the array fails the next call: this item is good.
		j.trailing = j.end()
	}
	j.index++
	return item, true, nil
}

// end checks that nothing but space follows the array.
func (j *jsonItems) end() error {
	j.done = true
	if _, err := j.skipSpace(); err != io.EOF {
		return NewError(ErrItemReaderFailed, "Unexpected content after the JSON array")
	}
	return nil
}

// element reads one array element up to the comma or bracket after it;
// last reports the bracket.
func (j *jsonItems) element() (item any, last bool, err error) {
	j.buf = j.buf[:0]
	depth, inString, escaped := 0, false, false
	for {
		c, rerr := j.r.ReadByte()
		if rerr != nil {
			return nil, false, NewError(ErrItemReaderFailed, "The JSON array is not terminated")
		}
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		} else {
			switch c {
			case '"':
				inString = true
			case '[', '{':
				depth++
			case ']', '}':
				if depth == 0 && c == ']' {
					last = true
				} else {
					depth--
				}
			case ',':
				if depth == 0 {
					last = false
					goto done
				}
			}
			if last {
				goto done
			}
		}
		j.buf = append(j.buf, c)
		if len(j.buf) > MaxItemBytes {
			return nil, false, NewError(ErrItemReaderFailed, "Item "+strconv.Itoa(j.index)+" of the JSON array is larger than "+strconv.Itoa(MaxItemBytes)+" bytes")
		}
	}
done:
	v, err := ParseJSON(j.buf)
	if err != nil {
		return nil, false, NewError(ErrItemReaderFailed, "Item "+strconv.Itoa(j.index)+" of the JSON array is not valid JSON: "+err.Error())
	}
	return v, last, nil
}

// NewJSONLItems streams JSON Lines: one JSON value per line; blank lines
// are skipped.
func NewJSONLItems(r io.Reader) ItemIterator {
	return &jsonlItems{r: bufio.NewReaderSize(r, 64<<10), closer: asCloser(r)}
}

type jsonlItems struct {
	r      *bufio.Reader
	closer io.Closer
	line   int
	buf    []byte
	done   bool
}

func (j *jsonlItems) Close() error { return j.closer.Close() }

func (j *jsonlItems) Next(context.Context) (any, bool, error) {
	for !j.done {
		j.buf = j.buf[:0]
		for {
			frag, err := j.r.ReadSlice('\n')
			j.buf = append(j.buf, frag...)
			if len(j.buf) > MaxItemBytes+2 {
				j.done = true
				return nil, false, NewError(ErrItemReaderFailed, "Line "+strconv.Itoa(j.line+1)+" of the JSONL object is larger than "+strconv.Itoa(MaxItemBytes)+" bytes")
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF {
				j.done = true
			} else if err != nil {
				j.done = true
				return nil, false, readerFailed(err)
			}
			break
		}
		j.line++
		line := bytes.TrimSpace(j.buf)
		if len(line) == 0 {
			continue
		}
		v, err := ParseJSON(line)
		if err != nil {
			j.done = true
			return nil, false, NewError(ErrItemReaderFailed, "Line "+strconv.Itoa(j.line)+" of the JSONL object is not valid JSON: "+err.Error())
		}
		return v, true, nil
	}
	return nil, false, nil
}

// NewCSVItems streams the rows of a CSV as objects keyed by headers (nil:
// the first row's), every value a string. As AWS: fields past the last
// header are dropped, missing ones are "", duplicate headers fail, and the
// members come in the order of the Java HashMap AWS builds each item in.
func NewCSVItems(r io.Reader, delim rune, headers []string) ItemIterator {
	// The capReader guards memory while a row is read (it counts the
	// csv package's read-ahead too); read checks each row's exact size.
	cr := &capReader{r: r, limit: 2*MaxItemBytes + 64<<10, what: "A CSV row"}
	c := csv.NewReader(cr)
	c.Comma = delim
	c.FieldsPerRecord = -1
	c.LazyQuotes = true
	c.ReuseRecord = true
	return &csvItems{r: c, cap: cr, closer: asCloser(r), headers: headers, limit: MaxItemBytes}
}

type csvItems struct {
	r       *csv.Reader
	cap     *capReader
	closer  io.Closer
	headers []string
	order   []int // the members' order: indexes into headers
	limit   int   // the largest row, in bytes
	ready   bool
	done    bool
}

func (c *csvItems) Close() error { return c.closer.Close() }

func (c *csvItems) Next(context.Context) (any, bool, error) {
	if c.done {
		return nil, false, nil
	}
	if !c.ready {
		c.ready = true
		if err := c.start(); err != nil || c.done {
			c.done = true
			return nil, false, err
		}
	}
	row, err := c.read()
	if err != nil {
		c.done = true
		if err == io.EOF {
			return nil, false, nil
		}
		return nil, false, err
	}
	o := NewObject(len(c.headers))
	for _, i := range c.order {
		v := ""
		if i < len(row) {
			v = row[i]
		}
		o.Set(c.headers[i], v)
	}
	return o, true, nil
}

// start reads the header row (FIRST_ROW), checks the headers and orders
// the members; an empty CSV sets done.
func (c *csvItems) start() error {
	if c.headers == nil {
		c.limit = maxCSVHeaderBytes
		row, err := c.read()
		if err == io.EOF {
			c.done = true
			return nil
		}
		if err != nil {
			return err
		}
		c.headers = append([]string(nil), row...)
		c.limit = MaxItemBytes
	}
	seen := make(map[string]bool, len(c.headers))
	for _, h := range c.headers {
		if seen[h] {
			return NewError(ErrItemReaderFailed, "CSV headers cannot contain duplicates.")
		}
		seen[h] = true
	}
	c.order = javaHashMapOrder(c.headers)
	return nil
}

func (c *csvItems) read() ([]string, error) {
	c.cap.n = 0
	start := c.r.InputOffset()
	row, err := c.r.Read()
	if err == io.EOF {
		return nil, err
	}
	if err != nil {
		return nil, readerFailed(err)
	}
	if c.r.InputOffset()-start > int64(c.limit) {
		return nil, NewError(ErrItemReaderFailed, "A CSV row is larger than "+strconv.Itoa(c.limit)+" bytes")
	}
	return row, nil
}

// javaHashMapOrder returns the order in which a java.util.HashMap with
// the default capacity iterates keys inserted in order: AWS builds each
// CSV item in one, and its JSON follows that order (recorded: headers
// "0,True,{}" give {"0","{}","True"}).
func javaHashMapOrder(keys []string) []int {
	capacity := 16
	for float64(len(keys)) > 0.75*float64(capacity) {
		capacity *= 2
	}
	bucket := make([]int, len(keys))
	for i, k := range keys {
		h := int32(0)
		for _, u := range utf16.Encode([]rune(k)) {
			h = 31*h + int32(u)
		}
		spread := uint32(h) ^ uint32(h)>>16
		bucket[i] = int(spread & uint32(capacity-1))
	}
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	// Within a bucket, insertion order (a stable sort keeps it).
	sortStable(order, func(a, b int) bool { return bucket[a] < bucket[b] })
	return order
}

// sortStable is an insertion sort: header rows are short.
func sortStable(s []int, less func(a, b int) bool) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && less(s[j], s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// NewManifestItems reads an Amazon S3 Inventory manifest.json and streams
// the rows of the CSV files it lists (gzip-compressed or not), each an
// object keyed by the manifest's fileSchema.
func NewManifestItems(ctx context.Context, store ObjectStore, r io.Reader) ItemIterator {
	return &manifestItems{ctx: ctx, store: store, src: r, closer: asCloser(r)}
}

type manifestItems struct {
	ctx    context.Context
	store  ObjectStore
	src    io.Reader
	closer io.Closer

	bucket string
	schema []string
	files  []string
	cur    ItemIterator
	body   io.ReadCloser
	ready  bool
	done   bool
}

func (m *manifestItems) Close() error {
	if m.body != nil {
		m.body.Close()
	}
	return m.closer.Close()
}

// maxManifestBytes bounds the manifest.json itself, read whole.
const maxManifestBytes = 16 << 20

func (m *manifestItems) open() error {
	data, err := io.ReadAll(io.LimitReader(m.src, maxManifestBytes+1))
	if err != nil {
		return readerFailed(err)
	}
	if len(data) > maxManifestBytes {
		return NewError(ErrItemReaderFailed, "The manifest is larger than "+strconv.Itoa(maxManifestBytes)+" bytes")
	}
	v, err := ParseJSON(data)
	if err != nil {
		return NewError(ErrItemReaderFailed, "The manifest is not valid JSON: "+err.Error())
	}
	o, _ := v.(*Object)
	if o == nil {
		return NewError(ErrItemReaderFailed, "The manifest is not a JSON object")
	}
	get := func(k string) string {
		s, _ := member(o, k).(string)
		return s
	}
	if f := get("fileFormat"); f != "CSV" {
		return NewError(ErrItemReaderFailed, "Unsupported S3 inventory fileFormat '"+f+"': only CSV is supported")
	}
	m.bucket = strings.TrimPrefix(get("destinationBucket"), "arn:aws:s3:::")
	if m.bucket == "" {
		return NewError(ErrItemReaderFailed, "The manifest has no destinationBucket")
	}
	for _, f := range strings.Split(get("fileSchema"), ",") {
		m.schema = append(m.schema, strings.TrimSpace(f))
	}
	files, _ := member(o, "files").([]any)
	for _, f := range files {
		fo, _ := f.(*Object)
		key, _ := member(fo, "key").(string)
		if key == "" {
			return NewError(ErrItemReaderFailed, "A file of the manifest has no key")
		}
		m.files = append(m.files, key)
	}
	return nil
}

// member returns member key of o, nil when o is nil or has none.
func member(o *Object, key string) any {
	if o == nil {
		return nil
	}
	v, _ := o.Get(key)
	return v
}

func (m *manifestItems) Next(ctx context.Context) (any, bool, error) {
	if m.done {
		return nil, false, nil
	}
	if !m.ready {
		m.ready = true
		if err := m.open(); err != nil {
			m.done = true
			return nil, false, err
		}
	}
	for {
		if m.cur != nil {
			v, ok, err := m.cur.Next(ctx)
			if err != nil || ok {
				if err != nil {
					m.done = true
				}
				return v, ok, err
			}
			m.cur.Close()
			m.cur, m.body = nil, nil
		}
		if len(m.files) == 0 {
			m.done = true
			return nil, false, nil
		}
		key := m.files[0]
		m.files = m.files[1:]
		body, err := m.store.GetObject(ctx, m.bucket, key)
		if err != nil {
			m.done = true
			return nil, false, NewError(ErrItemReaderFailed, err.Error())
		}
		m.body = body
		var r io.Reader = body
		if strings.HasSuffix(key, ".gz") {
			zr, err := gzip.NewReader(body)
			if err != nil {
				m.done = true
				return nil, false, NewError(ErrItemReaderFailed, "Inventory file "+key+": "+err.Error())
			}
			r = zr
		}
		m.cur = NewCSVItems(struct {
			io.Reader
			io.Closer
		}{r, body}, ',', m.schema)
	}
}
