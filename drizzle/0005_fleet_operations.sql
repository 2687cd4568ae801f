CREATE TABLE "events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"device_id" uuid,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "schedule_slots" (
	"collection_group_id" uuid NOT NULL,
	"slot_at" timestamp with time zone NOT NULL,
	"outcome" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "schedule_slots_collection_group_id_slot_at_pk" PRIMARY KEY("collection_group_id","slot_at")
);
--> statement-breakpoint
ALTER TABLE "backups" ADD COLUMN "changed_by" text;--> statement-breakpoint
ALTER TABLE "collection_groups" ADD COLUMN "time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "collection_groups" ADD COLUMN "interval_seconds" integer;--> statement-breakpoint
ALTER TABLE "collection_groups" ADD COLUMN "spread_seconds" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "collection_groups" ADD COLUMN "window_start_minute" integer;--> statement-breakpoint
ALTER TABLE "collection_groups" ADD COLUMN "window_end_minute" integer;--> statement-breakpoint
ALTER TABLE "collection_groups" ADD COLUMN "catch_up_seconds" integer DEFAULT 3600 NOT NULL;--> statement-breakpoint
ALTER TABLE "collection_groups" ADD COLUMN "max_attempts" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "collection_groups" ADD COLUMN "max_concurrent" integer;--> statement-breakpoint
ALTER TABLE "collection_groups" ADD COLUMN "freshness_seconds" integer;--> statement-breakpoint
ALTER TABLE "collection_groups" ADD COLUMN "schedule_period_seconds" integer;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "archived_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "backup_state" text DEFAULT 'NEVER' NOT NULL;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "last_success_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "last_failure_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "consecutive_failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "requested_by" text;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "changed_by" text;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schedule_slots" ADD CONSTRAINT "schedule_slots_collection_group_id_collection_groups_id_fk" FOREIGN KEY ("collection_group_id") REFERENCES "public"."collection_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_created_idx" ON "events" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "events_device_created_idx" ON "events" USING btree ("device_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "devices_freshness_idx" ON "devices" USING btree ("last_success_at");--> statement-breakpoint
UPDATE "devices" d SET "last_success_at" = (SELECT max(b."created_at") FROM "backups" b WHERE b."device_id" = d."id");--> statement-breakpoint
UPDATE "devices" d SET "last_failure_at" = j."finished_at" FROM (SELECT DISTINCT ON ("device_id") "device_id", "status", "finished_at" FROM "jobs" WHERE "status" IN ('succeeded', 'failed') ORDER BY "device_id", "created_at" DESC) j WHERE j."device_id" = d."id" AND j."status" = 'failed';
