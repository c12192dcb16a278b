-- Keep chunk rows inline in the heap, uncompressed by Postgres.
--
-- A stored chunk (src/store/serializers, format v2 ≈ 2.2 KB, v1 ≈ 4 KB) is
-- above the default TOAST threshold (~2 KB a row), so Postgres tried pglz on
-- every value (bytes that are already DEFLATE/PackBits-coded barely shrink)
-- and moved it out of line into the TOAST table: a second heap insert and an
-- index insert per row. Measured by `hexd bench store` (docs/STORE.md), that
-- was most of the cost of a batched flush on both backends.
--
-- toast_tuple_target = 8160 (the largest allowed): the toaster leaves a row
-- alone until it nears a whole 8 KB page. STORAGE MAIN: should a row still be
-- bigger than that, compress it but keep it inline as long as it fits.
-- Existing rows keep their storage until they are next written.
ALTER TABLE chunks SET (toast_tuple_target = 8160);
ALTER TABLE chunks ALTER COLUMN data SET STORAGE MAIN;
