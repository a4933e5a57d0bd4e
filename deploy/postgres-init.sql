-- Runs once, when the PostgreSQL volume is first initialised (docker-entrypoint-initdb.d).
-- One database per service: each service owns its data and its Alembic history.
-- For the least-privilege roles production should use, see docs/deploy.md ("Database roles").
CREATE DATABASE coprocure_gateway;
CREATE DATABASE coprocure_commissioning;
CREATE DATABASE coprocure_scoring;
