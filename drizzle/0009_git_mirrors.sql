ALTER TABLE "storage_locations" ADD COLUMN "mirror_url" text;--> statement-breakpoint
ALTER TABLE "storage_locations" ADD COLUMN "mirror_branch" text;--> statement-breakpoint
ALTER TABLE "storage_locations" ADD COLUMN "mirror_secret_ciphertext" text;--> statement-breakpoint
ALTER TABLE "storage_locations" ADD COLUMN "last_push_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "storage_locations" ADD COLUMN "last_push_error" text;--> statement-breakpoint
ALTER TABLE "storage_locations" ADD COLUMN "last_push_error_at" timestamp with time zone;