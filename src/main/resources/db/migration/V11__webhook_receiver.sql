-- The receiver of a delivery (scheme, host and port of its URL), set by the webhook dispatcher on a
-- delivery it had to leave due because its receiver was busy or not answering, so that its next
-- polls look past that receiver's deliveries to other receivers' (WebhookDispatcher). NULL until
-- then: such rows are always read.
ALTER TABLE webhook_delivery ADD COLUMN receiver VARCHAR(2048);
