-- A folder's stamp (library/scanner.cpp): a digest of its device, inode and change time when it was last
-- read whole, so that a restart lists only the folders whose entries may have changed. NULL: not known (a
-- file row, a folder never read whole, or one changed too recently to be sure of).
ALTER TABLE objects ADD COLUMN folder_stamp INTEGER;
