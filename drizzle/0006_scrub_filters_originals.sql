CREATE TABLE "backup_filters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"pattern" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"plugin_key" text,
	"device_group_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "backup_originals" (
	"backup_id" uuid PRIMARY KEY NOT NULL,
	"storage_ref" text NOT NULL,
	"size" bigint NOT NULL,
	"plaintext_mac" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scrub_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"pattern" text NOT NULL,
	"replacement" text NOT NULL,
	"plugin_key" text,
	"device_group_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "collection_groups" ADD COLUMN "max_shrink_percent" integer;--> statement-breakpoint
ALTER TABLE "backup_filters" ADD CONSTRAINT "backup_filters_device_group_id_device_groups_id_fk" FOREIGN KEY ("device_group_id") REFERENCES "public"."device_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "backup_originals" ADD CONSTRAINT "backup_originals_backup_id_backups_id_fk" FOREIGN KEY ("backup_id") REFERENCES "public"."backups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scrub_rules" ADD CONSTRAINT "scrub_rules_device_group_id_device_groups_id_fk" FOREIGN KEY ("device_group_id") REFERENCES "public"."device_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "backup_originals_mac_idx" ON "backup_originals" USING btree ("plaintext_mac");