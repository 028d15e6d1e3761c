/*
 * Generates tests/isa/rv64u{f,d}_vectors.S from rvisor's own fpu.c: gen <S|D> <count> <seed>.
 * Build: cc -Isrc tools/fpu_vectors_gen.c src/cpu/fpu.c -o gen. The vectors were checked
 * on qemu-system-riscv64 before they were committed (tests/isa/run-on-qemu.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpu/fpu.h"
#include "cpu/csr.h"
static uint64_t s;
static uint64_t rnd(void){ s^=s<<13; s^=s>>7; s^=s<<17; return s;}
static uint64_t rd(void){ uint64_t r=rnd(); int k=rnd()%10;
 if(k==0) r&=0x800fffffffffffffull;
 else if(k==1) r=(r&0x80000000000fffffull)|((uint64_t)(1023+(rnd()%10)-5)<<52);
 else if(k==2) { r = (r & 0xfff0000000000000ull) | (rnd()%4 ? 0 : 1); }
 else if(k==3) r=(r&0x800fffffffffffffull)|((uint64_t)(rnd()%3+2044)<<52);
 else if(k==4) r = (r & ~0x7ff0000000000000ull) | ((uint64_t)(rnd()%60 + 1) << 52);
 else if(k==5) r = (r & 0x8000000000000000ull) | ((uint64_t)(1023 + rnd()%66) << 52) | (r & (rnd()%2 ? 0xfffffffffffffull : 0xfffff00000000ull));
 else if(k==6) r = (r & 0x8000000000000000ull) | (0x7ffull<<52) | (rnd()%2 ? 0x8000000000000ull : 0) | (rnd()%3 ? 0 : 1) ;
 else if(k==7) r = (r & 0x8000000000000000ull) | ((uint64_t)(1022 + rnd()%3) << 52) | ((rnd()%2)<<51);
 return r;}
static uint64_t rs(void){ uint64_t r=rnd()&0xffffffff; int k=rnd()%10;
 if(k==0) r&=0x807fffff; else if(k==1) r=(r&0x8000ffff)|((uint64_t)(127+(rnd()%10)-5)<<23);
 else if(k==2) r=(r&0xff800000)|(rnd()%4?0:1); else if(k==3) r=(r&0x807fffff)|((uint64_t)(rnd()%3+252)<<23);
 else if(k==4) r=(r&~0x7f800000ull)|((uint64_t)(rnd()%30+1)<<23);
 else if(k==5) r=(r&0x80000000)|((uint64_t)(127+rnd()%66)<<23)|(r&(rnd()%2?0x7fffff:0x7ff000));
 else if(k==6) r=(r&0x80000000)|(0xffull<<23)|(rnd()%2?0x400000:0)|(rnd()%3?0:1);
 else if(k==7) r=(r&0x80000000)|((uint64_t)(126+rnd()%3)<<23)|((rnd()%2)<<22);
 return r;}
static uint64_t ri(void){ uint64_t v=rnd(); v>>=rnd()%64; if(rnd()&1) v=-v; if(rnd()%8==0) v=(rnd()%2? 0x80000000ull : 0x8000000000000000ull)+(rnd()%5)-2; return v;}
enum { ADD, SUB, MUL, DIV, SQRT, MADD, MSUB, NMSUB, NMADD, MIN, MAX, EQ, LT, LE, CLASS,
 TW, TWU, TL, TLU, FW, FWU, FL, FLU, CVT, SGNJ, SGNJN, SGNJX, NOPS };
static const char *mn[NOPS]={"fadd","fsub","fmul","fdiv","fsqrt","fmadd","fmsub","fnmsub","fnmadd","fmin","fmax","feq","flt","fle","fclass",
 "fcvt.w","fcvt.wu","fcvt.l","fcvt.lu","fcvt.%s.w","fcvt.%s.wu","fcvt.%s.l","fcvt.%s.lu","fcvt","fsgnj","fsgnjn","fsgnjx"};
int main(int argc,char**argv){
 int fmt = argv[1][0]=='D'; long n=atol(argv[2]); s=strtoull(argv[3],0,0);
 const char *sf = fmt?"d":"s", *ld = fmt?"fld":"flw";
 uint64_t sign = fmt? 1ull<<63 : 1ull<<31;
 printf("/*\n * Generated vectors for the %s extension: every arithmetic, compare, class and\n"
  " * conversion instruction on random and boundary operands in all five rounding modes\n"
  " * (via frm), checking the result bits (NaN-boxing included) and fflags.\n"
  " * Case number = vector index + 1; the failing index is also printed on the UART.\n */\n", fmt?"D":"F");
 printf("#include \"rvtest.h\"\n\nRVTEST_BEGIN\n#include \"fpvec_driver.inc\"\n");
 /* handlers */
 for(int op=0;op<NOPS;op++){
  printf("h_%d:\n", op);
  char m[32]; 
  switch(op){
  case ADD: case SUB: case MUL: case DIV: case MIN: case MAX: case SGNJ: case SGNJN: case SGNJX:
   printf("    %s fa0, 16(s0)\n    %s fa1, 24(s0)\n    %s.%s fa3, fa0, fa1\n    fmv.x.d a1, fa3\n    ret\n", ld, ld, mn[op], sf); break;
  case SQRT: printf("    %s fa0, 16(s0)\n    fsqrt.%s fa3, fa0\n    fmv.x.d a1, fa3\n    ret\n", ld, sf); break;
  case MADD: case MSUB: case NMSUB: case NMADD:
   printf("    %s fa0, 16(s0)\n    %s fa1, 24(s0)\n    %s fa2, 32(s0)\n    %s.%s fa3, fa0, fa1, fa2\n    fmv.x.d a1, fa3\n    ret\n", ld, ld, ld, mn[op], sf); break;
  case EQ: case LT: case LE: printf("    %s fa0, 16(s0)\n    %s fa1, 24(s0)\n    %s.%s a1, fa0, fa1\n    ret\n", ld, ld, mn[op], sf); break;
  case CLASS: printf("    %s fa0, 16(s0)\n    fclass.%s a1, fa0\n    ret\n", ld, sf); break;
  case TW: case TWU: case TL: case TLU: printf("    %s fa0, 16(s0)\n    %s.%s a1, fa0\n    ret\n", ld, mn[op], sf); break;
  case FW: case FWU: case FL: case FLU: snprintf(m,sizeof m,mn[op],sf); printf("    ld a0, 16(s0)\n    %s fa3, a0\n    fmv.x.d a1, fa3\n    ret\n", m); break;
  case CVT: if(fmt) printf("    fld fa0, 16(s0)\n    fcvt.s.d fa3, fa0\n    fmv.x.d a1, fa3\n    ret\n");
            else printf("    flw fa0, 16(s0)\n    fcvt.d.s fa3, fa0\n    fmv.x.d a1, fa3\n    ret\n"); break;
  }
 }
 printf("\nRVTEST_END\n\n    .data\n    .align 3\nhandlers:\n");
 for(int op=0;op<NOPS;op++) printf("    .dword h_%d\n", op);
 printf("vec_start:\n");
 for(long i=0;i<n;i++){
  int op = rnd()%NOPS; unsigned rm = rnd()%5; unsigned fl=0;
  uint64_t a = fmt?rd():rs(), b = fmt?rd():rs(), c = fmt?rd():rs(), r;
  if (rnd()%4==0) b = (a ^ sign) ^ (rnd()%4);
  if (rnd()%8==0) b = a;
  if (op >= FW && op <= FLU) a = ri();
  switch(op){
  case ADD: r=fpu_add(fmt,a,b,rm,&fl); break; case SUB: r=fpu_sub(fmt,a,b,rm,&fl); break;
  case MUL: r=fpu_mul(fmt,a,b,rm,&fl); break; case DIV: r=fpu_div(fmt,a,b,rm,&fl); break;
  case SQRT: r=fpu_sqrt(fmt,a,rm,&fl); break;
  case MADD: r=fpu_fma(fmt,a,b,c,rm,&fl); break; case MSUB: r=fpu_fma(fmt,a,b,c^sign,rm,&fl); break;
  case NMSUB: r=fpu_fma(fmt,a^sign,b,c,rm,&fl); break; case NMADD: r=fpu_fma(fmt,a^sign,b,c^sign,rm,&fl); break;
  case MIN: r=fpu_min(fmt,a,b,&fl); break; case MAX: r=fpu_max(fmt,a,b,&fl); break;
  case EQ: r=fpu_eq(fmt,a,b,&fl); break; case LT: r=fpu_lt(fmt,a,b,&fl); break; case LE: r=fpu_le(fmt,a,b,&fl); break;
  case CLASS: r=fpu_class(fmt,a); break;
  case TW: case TWU: case TL: case TLU: r=fpu_to_int(fmt,a,op-TW,rm,&fl); break;
  case FW: case FWU: case FL: case FLU: r=fpu_from_int(fmt,a,op-FW,rm,&fl); break;
  case CVT: r = fmt? fpu_box_s(fpu_d_to_s(a,rm,&fl)) : fpu_s_to_d(a,&fl); break;
  default: r=fpu_sgnj(fmt,a,b,op-SGNJ); break;
  }
  int fres = !(op>=EQ && op<=TLU);
  if (fres && !fmt && op != CVT) r = fpu_box_s(r);
  printf("    .dword %d, %u, 0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%x\n", op, rm,
   (unsigned long long)a,(unsigned long long)b,(unsigned long long)c,(unsigned long long)r, fl);
 }
 printf("vec_end:\n");
 return 0;
}
