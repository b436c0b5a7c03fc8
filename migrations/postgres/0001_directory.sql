CREATE TABLE "organization" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "name" TEXT,
    "alternate_name" TEXT,
    "description" TEXT,
    "email" TEXT,
    "website" TEXT,
    "tax_status" TEXT,
    "tax_id" TEXT,
    "year_incorporated" DOUBLE PRECISION,
    "legal_status" TEXT,
    "logo" TEXT,
    "uri" TEXT,
    "parent_organization_id" TEXT
);
CREATE TABLE "program" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "organization_id" TEXT,
    "name" TEXT,
    "alternate_name" TEXT,
    "description" TEXT,
    FOREIGN KEY ("organization_id") REFERENCES "organization" ("id") ON DELETE CASCADE
);
CREATE INDEX "program_organization_id_idx" ON "program" ("organization_id");
CREATE TABLE "taxonomy" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "name" TEXT,
    "description" TEXT,
    "uri" TEXT,
    "version" TEXT
);
CREATE TABLE "taxonomy_term" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "code" TEXT,
    "name" TEXT,
    "description" TEXT,
    "parent_id" TEXT,
    "taxonomy" TEXT,
    "language" TEXT,
    "taxonomy_id" TEXT,
    "term_uri" TEXT,
    FOREIGN KEY ("taxonomy_id") REFERENCES "taxonomy" ("id") ON DELETE CASCADE
);
CREATE INDEX "taxonomy_term_taxonomy_id_idx" ON "taxonomy_term" ("taxonomy_id");
CREATE TABLE "unit" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "name" TEXT,
    "scheme" TEXT,
    "identifier" TEXT,
    "uri" TEXT
);
CREATE TABLE "location" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "location_type" TEXT,
    "url" TEXT,
    "organization_id" TEXT,
    "name" TEXT,
    "alternate_name" TEXT,
    "description" TEXT,
    "transportation" TEXT,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "external_identifier" TEXT,
    "external_identifier_type" TEXT,
    FOREIGN KEY ("organization_id") REFERENCES "organization" ("id") ON DELETE CASCADE
);
CREATE INDEX "location_organization_id_idx" ON "location" ("organization_id");
CREATE TABLE "service" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "organization_id" TEXT,
    "program_id" TEXT,
    "name" TEXT,
    "alternate_name" TEXT,
    "description" TEXT,
    "url" TEXT,
    "email" TEXT,
    "status" TEXT,
    "interpretation_services" TEXT,
    "application_process" TEXT,
    "fees_description" TEXT,
    "wait_time" TEXT,
    "fees" TEXT,
    "accreditations" TEXT,
    "eligibility_description" TEXT,
    "minimum_age" DOUBLE PRECISION,
    "maximum_age" DOUBLE PRECISION,
    "assured_date" TEXT,
    "assurer_email" TEXT,
    "licenses" TEXT,
    "alert" TEXT,
    "last_modified" TEXT,
    FOREIGN KEY ("organization_id") REFERENCES "organization" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("program_id") REFERENCES "program" ("id") ON DELETE CASCADE
);
CREATE INDEX "service_organization_id_idx" ON "service" ("organization_id");
CREATE INDEX "service_program_id_idx" ON "service" ("program_id");
CREATE TABLE "service_at_location" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "service_id" TEXT,
    "location_id" TEXT,
    "description" TEXT,
    FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("location_id") REFERENCES "location" ("id") ON DELETE CASCADE
);
CREATE INDEX "service_at_location_service_id_idx" ON "service_at_location" ("service_id");
CREATE INDEX "service_at_location_location_id_idx" ON "service_at_location" ("location_id");
CREATE TABLE "contact" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "organization_id" TEXT,
    "service_id" TEXT,
    "service_at_location_id" TEXT,
    "location_id" TEXT,
    "name" TEXT,
    "title" TEXT,
    "department" TEXT,
    "email" TEXT,
    FOREIGN KEY ("organization_id") REFERENCES "organization" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("service_at_location_id") REFERENCES "service_at_location" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("location_id") REFERENCES "location" ("id") ON DELETE CASCADE
);
CREATE INDEX "contact_organization_id_idx" ON "contact" ("organization_id");
CREATE INDEX "contact_service_id_idx" ON "contact" ("service_id");
CREATE INDEX "contact_service_at_location_id_idx" ON "contact" ("service_at_location_id");
CREATE INDEX "contact_location_id_idx" ON "contact" ("location_id");
CREATE TABLE "phone" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "location_id" TEXT,
    "service_id" TEXT,
    "organization_id" TEXT,
    "contact_id" TEXT,
    "service_at_location_id" TEXT,
    "number" TEXT,
    "extension" DOUBLE PRECISION,
    "type" TEXT,
    "description" TEXT,
    FOREIGN KEY ("location_id") REFERENCES "location" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("organization_id") REFERENCES "organization" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("contact_id") REFERENCES "contact" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("service_at_location_id") REFERENCES "service_at_location" ("id") ON DELETE CASCADE
);
CREATE INDEX "phone_location_id_idx" ON "phone" ("location_id");
CREATE INDEX "phone_service_id_idx" ON "phone" ("service_id");
CREATE INDEX "phone_organization_id_idx" ON "phone" ("organization_id");
CREATE INDEX "phone_contact_id_idx" ON "phone" ("contact_id");
CREATE INDEX "phone_service_at_location_id_idx" ON "phone" ("service_at_location_id");
CREATE TABLE "address" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "location_id" TEXT,
    "attention" TEXT,
    "address_1" TEXT,
    "address_2" TEXT,
    "city" TEXT,
    "region" TEXT,
    "state_province" TEXT,
    "postal_code" TEXT,
    "country" TEXT,
    "address_type" TEXT,
    FOREIGN KEY ("location_id") REFERENCES "location" ("id") ON DELETE CASCADE
);
CREATE INDEX "address_location_id_idx" ON "address" ("location_id");
CREATE TABLE "schedule" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "service_id" TEXT,
    "location_id" TEXT,
    "service_at_location_id" TEXT,
    "valid_from" TEXT,
    "valid_to" TEXT,
    "dtstart" TEXT,
    "timezone" DOUBLE PRECISION,
    "until" TEXT,
    "count" DOUBLE PRECISION,
    "wkst" TEXT,
    "freq" TEXT,
    "interval" DOUBLE PRECISION,
    "byday" TEXT,
    "byweekno" TEXT,
    "bymonthday" TEXT,
    "byyearday" TEXT,
    "description" TEXT,
    "opens_at" TEXT,
    "closes_at" TEXT,
    "schedule_link" TEXT,
    "attending_type" TEXT,
    "notes" TEXT,
    FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("location_id") REFERENCES "location" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("service_at_location_id") REFERENCES "service_at_location" ("id") ON DELETE CASCADE
);
CREATE INDEX "schedule_service_id_idx" ON "schedule" ("service_id");
CREATE INDEX "schedule_location_id_idx" ON "schedule" ("location_id");
CREATE INDEX "schedule_service_at_location_id_idx" ON "schedule" ("service_at_location_id");
CREATE TABLE "funding" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "organization_id" TEXT,
    "service_id" TEXT,
    "source" TEXT,
    FOREIGN KEY ("organization_id") REFERENCES "organization" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE CASCADE
);
CREATE INDEX "funding_organization_id_idx" ON "funding" ("organization_id");
CREATE INDEX "funding_service_id_idx" ON "funding" ("service_id");
CREATE TABLE "service_area" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "service_id" TEXT,
    "service_at_location_id" TEXT,
    "name" TEXT,
    "description" TEXT,
    "extent" TEXT,
    "extent_type" TEXT,
    "uri" TEXT,
    FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("service_at_location_id") REFERENCES "service_at_location" ("id") ON DELETE CASCADE
);
CREATE INDEX "service_area_service_id_idx" ON "service_area" ("service_id");
CREATE INDEX "service_area_service_at_location_id_idx" ON "service_area" ("service_at_location_id");
CREATE TABLE "required_document" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "service_id" TEXT,
    "document" TEXT,
    "uri" TEXT,
    FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE CASCADE
);
CREATE INDEX "required_document_service_id_idx" ON "required_document" ("service_id");
CREATE TABLE "language" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "service_id" TEXT,
    "location_id" TEXT,
    "phone_id" TEXT,
    "name" TEXT,
    "code" TEXT,
    "note" TEXT,
    FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("location_id") REFERENCES "location" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("phone_id") REFERENCES "phone" ("id") ON DELETE CASCADE
);
CREATE INDEX "language_service_id_idx" ON "language" ("service_id");
CREATE INDEX "language_location_id_idx" ON "language" ("location_id");
CREATE INDEX "language_phone_id_idx" ON "language" ("phone_id");
CREATE TABLE "accessibility" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "location_id" TEXT,
    "description" TEXT,
    "details" TEXT,
    "url" TEXT,
    FOREIGN KEY ("location_id") REFERENCES "location" ("id") ON DELETE CASCADE
);
CREATE INDEX "accessibility_location_id_idx" ON "accessibility" ("location_id");
CREATE TABLE "cost_option" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "service_id" TEXT,
    "valid_from" TEXT,
    "valid_to" TEXT,
    "option" TEXT,
    "currency" TEXT,
    "amount" DOUBLE PRECISION,
    "amount_description" TEXT,
    FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE CASCADE
);
CREATE INDEX "cost_option_service_id_idx" ON "cost_option" ("service_id");
CREATE TABLE "organization_identifier" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "organization_id" TEXT,
    "identifier_scheme" TEXT,
    "identifier_type" TEXT,
    "identifier" TEXT,
    FOREIGN KEY ("organization_id") REFERENCES "organization" ("id") ON DELETE CASCADE
);
CREATE INDEX "organization_identifier_organization_id_idx" ON "organization_identifier" ("organization_id");
CREATE TABLE "service_capacity" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "service_id" TEXT,
    "unit_id" TEXT,
    "available" DOUBLE PRECISION,
    "maximum" DOUBLE PRECISION,
    "description" TEXT,
    "updated" TEXT,
    FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("unit_id") REFERENCES "unit" ("id") ON DELETE CASCADE
);
CREATE INDEX "service_capacity_service_id_idx" ON "service_capacity" ("service_id");
CREATE INDEX "service_capacity_unit_id_idx" ON "service_capacity" ("unit_id");
CREATE TABLE "url" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "label" TEXT,
    "url" TEXT,
    "organization_id" TEXT,
    "service_id" TEXT,
    FOREIGN KEY ("organization_id") REFERENCES "organization" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE CASCADE
);
CREATE INDEX "url_organization_id_idx" ON "url" ("organization_id");
CREATE INDEX "url_service_id_idx" ON "url" ("service_id");
CREATE TABLE "attribute" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "link_id" TEXT,
    "taxonomy_term_id" TEXT,
    "link_type" TEXT,
    "link_entity" TEXT,
    "value" TEXT,
    "label" TEXT,
    FOREIGN KEY ("taxonomy_term_id") REFERENCES "taxonomy_term" ("id") ON DELETE CASCADE
);
CREATE INDEX "attribute_link_id_idx" ON "attribute" ("link_id");
CREATE INDEX "attribute_taxonomy_term_id_idx" ON "attribute" ("taxonomy_term_id");
CREATE TABLE "metadata" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "resource_id" TEXT,
    "resource_type" TEXT,
    "last_action_date" TEXT,
    "last_action_type" TEXT,
    "field_name" TEXT,
    "previous_value" TEXT,
    "replacement_value" TEXT,
    "updated_by" TEXT
);
CREATE INDEX "metadata_resource_id_idx" ON "metadata" ("resource_id");
CREATE TABLE "meta_table_description" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "name" TEXT,
    "language" TEXT,
    "character_set" TEXT
);
