package benchmain

// OrderInput is the bench kit's input of the order workload, and
// OrderOutput the hand-written peer's output for it: the order machine
// and its JSONata twin (bench/order, bench/orderata) must both give it.
const (
	OrderInput = `{"orderId":"ORD-1001","amount":42.5,"currency":"EUR",
	  "items":[{"sku":"BOOK-1","qty":2},{"sku":"PEN-7","qty":10}],
	  "customer":{"email":"ada@example.com","address":{"street":"1 Main St","city":"Springfield","zip":"12345"}}}`
	OrderOutput = `{"orderId":"ORD-1001","amount":42.5,"currency":"EUR","items":[{"sku":"BOOK-1","qty":2},{"sku":"PEN-7","qty":10}],` +
		`"customer":{"email":"ada@example.com","address":{"street":"1 Main St","city":"Springfield","zip":"12345"}},` +
		`"payment":{"status":"APPROVED","transactionId":"TX-ORD-1001","amount":42.5},` +
		`"fulfilment":[{"inventoryUpdated":true,"lines":2},{"emailSent":true,"to":"ada@example.com"}],` +
		`"shipping":{"shipmentId":"SHIP-ORD-1001","carrier":"ACME"}}`
)
