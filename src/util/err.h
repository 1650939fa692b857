/* Project error codes: fallible functions return 0 or one of these (negative). */
#ifndef ROSTER_ERR_H
#define ROSTER_ERR_H

enum roster_err {

    R_ENOMEM = -1,
    R_EINVAL = -2,     /* bad input: 400 */
    R_ENOTFOUND = -3,  /* 404 */
    R_EEXIST = -4,     /* 409 */
    R_EFORBIDDEN = -5, /* 403: missing role or protected object */
    R_EAUTH = -6,      /* 401 */
    R_ESTORE = -7,     /* storage failure: 500 */
    R_EBUSY = -8,      /* storage busy: 503 */
    R_ETOOBIG = -9,    /* 413 */
    R_ELIMIT = -10,    /* 429 */
    R_EINTERNAL = -11, /* 500 */
    R_ERESERVED = -12, /* a name kept for a built-in object: 400 */
};

const char *roster_err_str(int err);

#endif
