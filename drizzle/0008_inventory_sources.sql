CREATE TABLE "inventory_sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"url" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secret_ciphertext" text,
	"interval_seconds" integer,
	"enabled" boolean DEFAULT true NOT NULL,
	"last_run_at" timestamp (3) with time zone,
	"last_status" text,
	"last_error" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inventory_sources_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "inventory_sync_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source_id" uuid NOT NULL,
	"dry_run" boolean NOT NULL,
	"status" text NOT NULL,
	"error" text,
	"created" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"archived" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"report" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"requested_by" text NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "inventory_source_id" uuid;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "inventory_key" text;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "manual_override_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "inventory_sync_runs" ADD CONSTRAINT "inventory_sync_runs_source_id_inventory_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."inventory_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inventory_sync_runs_source_idx" ON "inventory_sync_runs" USING btree ("source_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_inventory_source_id_inventory_sources_id_fk" FOREIGN KEY ("inventory_source_id") REFERENCES "public"."inventory_sources"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "devices_inventory_idx" ON "devices" USING btree ("inventory_source_id","inventory_key");