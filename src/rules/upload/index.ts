import type { RuleDefinition } from '../../core/rule';
import { archiveExtraction } from './archive-extraction';
import { clientFilenameInPath } from './client-filename-in-path';
import { noSizeLimit } from './no-size-limit';
import { servedUploadDir } from './served-upload-dir';
import { unrestrictedFileType } from './unrestricted-file-type';

export const UPLOAD_RULES: readonly RuleDefinition[] = [archiveExtraction, clientFilenameInPath, noSizeLimit, servedUploadDir, unrestrictedFileType];
