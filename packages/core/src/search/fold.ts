import { caseFold } from "unicode-case-folding";

/**
 * The form a text is searched in: NFC, then full Unicode case folding (CaseFolding.txt, statuses
 * C and F, not the Turkic T mappings), then NFC again because folding can leave a base letter
 * before a combining mark ("İ" folds to "i" + U+0307). So "ÉCOLE" finds "école" whichever way
 * either was composed, "STRASSE" finds "straße" (and "ß", "ẞ" and "ss" find each other), a final
 * "ς" and "Σ" find "σ", "ﬁ" finds "fi". Not folded: dotless "ı" stays itself (it does not find
 * "i"), and an accent is part of its letter ("e" does not find "é"). A query is folded the same way.
 */
export const foldText = (text: string): string => caseFold(text.normalize("NFC")).normalize("NFC");
