/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* placeholder: replaced by the real client */
int main(void) { return 0; }
