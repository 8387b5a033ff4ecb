-- +goose Up
-- The governance grid (网格化管理): levels, cells, specialised layers.
--
-- Levels are data: a city may add a finer level below the default four.
-- A cell's parent has the level ranked just above its own.
CREATE TABLE grid_levels (
    name     TEXT PRIMARY KEY,
    rank     INTEGER NOT NULL UNIQUE CHECK (rank >= 1),
    title    TEXT NOT NULL,
    title_en TEXT NOT NULL
);
INSERT INTO grid_levels (name, rank, title, title_en) VALUES
    ('district', 1, '区', 'district'),
    ('street', 2, '街道', 'street'),
    ('community', 3, '社区', 'community'),
    ('microgrid', 4, '网格', 'micro-grid');

-- Cells with their geometry as GeoJSON (Polygon or MultiPolygon, WGS84)
-- and its bounding box. parent_code names the cell this one lies in; for
-- a cell of the top level it may name the administrative division above
-- (no foreign key: the application checks the tree on import).
CREATE TABLE grid_cells (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL REFERENCES grid_levels (name),
    parent_code TEXT NOT NULL DEFAULT '',
    geometry    TEXT NOT NULL,
    min_lon     DOUBLE PRECISION NOT NULL,
    min_lat     DOUBLE PRECISION NOT NULL,
    max_lon     DOUBLE PRECISION NOT NULL,
    max_lat     DOUBLE PRECISION NOT NULL,
    area_m2     DOUBLE PRECISION NOT NULL,
    synthetic   BOOLEAN NOT NULL DEFAULT FALSE,
    source      TEXT NOT NULL DEFAULT '',
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX grid_cells_level_parent ON grid_cells (level, parent_code, code);
CREATE INDEX grid_cells_parent ON grid_cells (parent_code);

-- Specialised layers (专业网格) and their zones; a zone is a union of
-- cells of the finest level, listed in grid_zone_cells (one zone per cell
-- and layer).
CREATE TABLE grid_layers (
    code      TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    name_en   TEXT NOT NULL,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE grid_zones (
    layer_code TEXT NOT NULL REFERENCES grid_layers (code) ON DELETE CASCADE,
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    synthetic  BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (layer_code, code)
);
CREATE TABLE grid_zone_cells (
    layer_code TEXT NOT NULL,
    cell_code  TEXT NOT NULL REFERENCES grid_cells (code) ON DELETE CASCADE,
    zone_code  TEXT NOT NULL,
    PRIMARY KEY (layer_code, cell_code),
    FOREIGN KEY (layer_code, zone_code) REFERENCES grid_zones (layer_code, code) ON DELETE CASCADE
);
CREATE INDEX grid_zone_cells_zone ON grid_zone_cells (layer_code, zone_code);

-- One row whose revision every change of cells or layers increases in the
-- same transaction: instances compare it to rebuild their in-memory
-- index, and an import applies only on the revision it validated against.
CREATE TABLE grid_state (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO grid_state (id, revision) VALUES (1, 0);

-- +goose Down
DROP TABLE grid_state;
DROP TABLE grid_zone_cells;
DROP TABLE grid_zones;
DROP TABLE grid_layers;
DROP TABLE grid_cells;
DROP TABLE grid_levels;
